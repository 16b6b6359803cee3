import { describe, expect, it } from 'vitest';
import { isRtcp, OPUS_PT, packetsPerSecondPerParticipant, ReplayStream, SeqTracker, VIDEO, VP8_PT } from './rtp.ts';

/** mediasoup's key-frame rule (worker/src/RTC/RTP/Codecs/VP8.cpp, VP8::Parse), restated for the check. */
function vp8KeyFrame(payload: Buffer): boolean {
  let o = 0;
  const x = payload[o]! >> 7;
  const s = (payload[o]! >> 4) & 1;
  const part = payload[o]! & 7;
  let i = 0;
  let l = 0;
  let tk = 0;
  if (x) {
    o++;
    i = payload[o]! >> 7;
    l = (payload[o]! >> 6) & 1;
    tk = (payload[o]! >> 4) & 3;
  }
  if (i) {
    o++;
    if (payload[o]! & 0x80) o++;
  }
  if (l) o++;
  if (tk) o++;
  o++;
  return payload.length >= o + 1 && s === 1 && part === 0 && (payload[o]! & 1) === 0;
}

const header = (b: Buffer) => ({ marker: b[1]! >> 7 === 1, pt: b[1]! & 0x7f, seq: b.readUInt16BE(2), ts: b.readUInt32BE(4), ssrc: b.readUInt32BE(8) });

describe('sfu-cost RTP replay', () => {
  it('video: one key frame per cycle, then delta frames; marker on the last packet; seq, timestamp and picture id advance', () => {
    const v = new ReplayStream({ kind: 'video', ssrc: 0x1234, fps: 30 }, { seq: 65530, timestamp: 10 });
    const key = v.next().map((b) => Buffer.from(b));
    expect(key).toHaveLength(VIDEO.keyPackets);
    expect(key.map((b) => vp8KeyFrame(b.subarray(12)))).toEqual(key.map((_, i) => i === 0));
    expect(key.map((b) => header(b).marker)).toEqual(key.map((_, i) => i === key.length - 1));
    expect(header(key[0]!)).toMatchObject({ pt: VP8_PT, seq: 65530, ts: 10, ssrc: 0x1234 });
    expect(header(key.at(-1)!).seq).toBe((65530 + VIDEO.keyPackets - 1) & 0xffff);
    const delta = v.next();
    expect(delta).toHaveLength(VIDEO.deltaPackets);
    expect(vp8KeyFrame(delta[0]!.subarray(12))).toBe(false);
    expect(header(delta[0]!)).toMatchObject({ seq: (65530 + VIDEO.keyPackets) & 0xffff, ts: 10 + 3000 });
    expect(delta[0]!.readUInt16BE(14) & 0x7fff).toBe(1);
    for (let f = 2; f < VIDEO.keyEveryFrames; f++) v.next();
    expect(vp8KeyFrame(v.next()[0]!.subarray(12))).toBe(true);
  });

  it('audio: one Opus packet per 20 ms frame, timestamp +960', () => {
    const a = new ReplayStream({ kind: 'audio', ssrc: 7, fps: 50 });
    const [p1] = a.next();
    const h1 = header(p1!);
    const [p2] = a.next();
    expect(h1.pt).toBe(OPUS_PT);
    expect(header(p2!)).toMatchObject({ seq: h1.seq + 1, ts: h1.ts + 960, ssrc: 7 });
    expect(isRtcp(p2!)).toBe(false);
    expect(isRtcp(Buffer.from([0x81, 200, 0, 6]))).toBe(true);
  });

  it('one participant is 50 Opus + 102 VP8 packets a second', () => {
    expect(packetsPerSecondPerParticipant()).toBe(152);
  });
});

describe('SeqTracker', () => {
  it('counts gaps as loss, across the 16-bit wrap', () => {
    const t = new SeqTracker();
    for (const s of [65533, 65534, 0, 1, 4]) t.add(s);
    expect(t.expected).toBe(8);
    expect(t.received).toBe(5);
    expect(t.lost).toBe(3);
  });

  it('a late (reordered) packet fills its gap', () => {
    const t = new SeqTracker();
    for (const s of [10, 12, 11]) t.add(s);
    expect(t.expected).toBe(3);
    expect(t.lost).toBe(0);
  });

  it('nothing seen: nothing expected', () => {
    expect(new SeqTracker().expected).toBe(0);
  });
});
