export { Sfu } from './Sfu.ts';
export { CaseMedia, type CaseRouter, type WorkerPlacement, type MediaCounts, type TransportOptions, type PreparedReceiveOptions, type ProducerSummary, type TransportStateCause } from './CaseMedia.ts';
export { WorkerPool, MediaPortError, NoWorkerError, mediasoupVersion, type MediaWorker, type MediaPortStatus } from './WorkerPool.ts';
export { createPlainTransport, type PlainTransportHost, type PlainTransportOptions } from './PlainTransports.ts';
export { KeyedQueue } from './KeyedQueue.ts';
export type { PathReading, PathReadingCounts } from './StallDetector.ts';
export { DEFAULT_CONSUMERS_PER_WORKER, MEDIA_CODECS, type SfuConfig } from './config.ts';
export type { types as MediasoupTypes } from 'mediasoup';
