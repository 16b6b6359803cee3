import { afterEach, describe, expect, it } from 'vitest';
import type { types } from 'mediasoup';
import { Sfu } from './Sfu.ts';
import { createPlainTransport } from './PlainTransports.ts';
import type { CaseMedia } from './CaseMedia.ts';

/**
 * How CaseMedia creates consumers, with a real worker on loopback: side by side (one worker round
 * trip for all of a reconcile), never twice for one producer however many reconciles overlap.
 */
const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const IP = '127.0.0.1';
const OPUS: types.RtpParameters = {
  codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] }],
  encodings: [{ ssrc: 1111 }],
};
const VP8: types.RtpParameters = {
  codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, parameters: {}, rtcpFeedback: [] }],
  encodings: [{ ssrc: 2222 }],
};

/** A case where `ana` sends a microphone and a camera, and `ben` has a receive transport. */
async function anaSendingToBen(): Promise<{ media: CaseMedia; offersToBen: string[] }> {
  const bin = process.env.MEDIASOUP_WORKER_BIN;
  const sfu = await Sfu.create({ workers: 1, mediaPort: 0, listenIp: IP, ...(bin ? { workerBin: bin } : {}) });
  cleanup.push(() => sfu.close());
  const media = await sfu.caseMedia('reconcile-case');
  const offersToBen: string[] = [];
  media.on('consumer:added', (peerId, offer) => {
    if (peerId === 'ben') offersToBen.push(offer.producerId);
  });
  media.addPeer('ana', 'joint');
  const send = await createPlainTransport(media, 'ana', 'send', { listenIp: IP });
  await media.produce('ana', { transportId: send.id, kind: 'audio', rtpParameters: OPUS, source: 'mic' });
  await media.produce('ana', { transportId: send.id, kind: 'video', rtpParameters: VP8, source: 'camera' });
  media.addPeer('ben', 'joint');
  await createPlainTransport(media, 'ben', 'recv', { listenIp: IP, remote: { ip: IP, port: 9 } });
  return { media, offersToBen };
}

describe('CaseMedia consumers', () => {
  it('overlapping reconciles create one consumer per producer, not two', async () => {
    const { media, offersToBen } = await anaSendingToBen();
    // Two declarations of readiness at once (e.g. a join's and a retry's): both reconcile ben.
    const created = await Promise.all([media.setReady('ben', media.rtpCapabilities), media.setReady('ben', media.rtpCapabilities)]);
    expect(created[0]! + created[1]!).toBe(2);
    expect(new Set(offersToBen).size).toBe(2);
    expect(offersToBen).toHaveLength(2);
    expect(media.counts().consumers).toBe(2);
  });

  it('a room change creates the consumers the new room allows for everyone it concerns', async () => {
    const { media, offersToBen } = await anaSendingToBen();
    await media.setReady('ben', media.rtpCapabilities);
    expect(offersToBen).toHaveLength(2);
    await media.movePeer('ben', 'caucus');
    expect(media.counts().consumers).toBe(0);
    await media.movePeer('ana', 'caucus');
    expect(offersToBen).toHaveLength(4);
    expect(media.counts().consumers).toBe(2);
  });
});
