/** What the SFU needs to know from the server's configuration. */
export interface SfuConfig {
  /** Number of mediasoup workers; one per core is the default. */
  workers: number;
  /** Path to the mediasoup-worker binary (mediasoup's own default when undefined). */
  workerBin?: string;
  /**
   * The first media port: worker i listens on mediaPort + i, UDP and TCP, for every transport it
   * carries (a mediasoup WebRtcServer), so a firewall needs one rule per protocol. 0 gives each
   * worker a free port of its own (tests running several platforms at once).
   */
  mediaPort: number;
  /** Local address the media ports listen on. */
  listenIp: string;
  /** Address announced to browsers in ICE candidates (public IP or hostname) when behind NAT. */
  announcedAddress?: string;
  logLevel?: 'debug' | 'warn' | 'error' | 'none';
  /**
   * Streams a worker forwards (consumers and pipes, all cases together) before a case that needs
   * more puts its newcomers on a router on another worker; DEFAULT_CONSUMERS_PER_WORKER by default.
   */
  consumersPerWorker?: number;
  /** How long a new consumer waits for its viewer's ack before it is closed (CONSUMER_ACK_TIMEOUT_MS by default). */
  consumerAckTimeoutMs?: number;
}

/**
 * One worker core forwards about 79,500 packets a second before it saturates (sfu-cost bench); a
 * consumer of a person's sound or camera carries about 76 on average (152 for the pair: Opus 50,
 * VP8 at 30 fps), so about 1,050 consumers fill a worker. A case spreads at 800, leaving room for
 * the streams of people already placed whose consumers are still being made, and for the pipes.
 */
export const DEFAULT_CONSUMERS_PER_WORKER = 800;

/** Codecs every case router offers: Opus for speech, VP8 as the universally decodable video codec. */
export const MEDIA_CODECS = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 600 } },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
  },
] as const;
