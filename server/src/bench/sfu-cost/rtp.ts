/**
 * Pure RTP pieces of the SFU cost benchmark (sfu-cost.bench.ts): pre-built VP8 and Opus packets
 * that the load generator replays (only sequence number, timestamp and VP8 picture id change per
 * send, so no encoding cost), and the per-SSRC sequence tracker the UDP sinks count loss with.
 */

export const OPUS_PT = 100;
export const VP8_PT = 101;
const RTP_HEADER = 12;
/** VP8 payload descriptor used here: X=1, then I=1 with a 15-bit picture id (RFC 7741 §4.2). */
const VP8_DESCRIPTOR = 4;

/** One frame: its packets, whose headers are filled in at send time. */
interface Frame {
  packets: Buffer[];
}

/** The shape of a replayed stream. */
export interface StreamShape {
  kind: 'audio' | 'video';
  ssrc: number;
  /** Frames per second: 50 for Opus (20 ms), 30 for video. */
  fps: number;
}

/** Writes a 12-byte RTP header (version 2, no padding, no extension, no CSRC). */
export function writeRtpHeader(buf: Buffer, h: { marker: boolean; payloadType: number; seq: number; timestamp: number; ssrc: number }): void {
  buf[0] = 0x80;
  buf[1] = (h.marker ? 0x80 : 0) | (h.payloadType & 0x7f);
  buf.writeUInt16BE(h.seq & 0xffff, 2);
  buf.writeUInt32BE(h.timestamp >>> 0, 4);
  buf.writeUInt32BE(h.ssrc >>> 0, 8);
}

/**
 * The packets of one VP8 frame: the first carries S=1 and the VP8 frame tag (inverse key-frame
 * bit 0 for a key frame, followed by the key frame's start code and size, RFC 6386 §9.1), which is
 * what mediasoup reads to decide a consumer may start; the rest are continuation packets.
 */
export function vp8FramePackets(key: boolean, count: number, packetBytes: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const buf = Buffer.alloc(packetBytes, 0x5a);
    const d = RTP_HEADER;
    buf[d] = 0x80 | (i === 0 ? 0x10 : 0); // X, S on the first packet, partition 0
    buf[d + 1] = 0x80; // I: picture id present
    buf[d + 2] = 0x80; // M: 15-bit picture id (filled in per send)
    buf[d + 3] = 0;
    if (i === 0) {
      const p = d + VP8_DESCRIPTOR;
      const firstPartSize = 600;
      // Frame tag: bit 0 inverse key frame, bits 1-3 version 0, bit 4 show_frame, then the size.
      buf[p] = (key ? 0 : 1) | 0x10 | ((firstPartSize & 0x7) << 5);
      buf[p + 1] = (firstPartSize >> 3) & 0xff;
      buf[p + 2] = (firstPartSize >> 11) & 0xff;
      if (key) {
        buf[p + 3] = 0x9d;
        buf[p + 4] = 0x01;
        buf[p + 5] = 0x2a;
        buf.writeUInt16LE(640, p + 6);
        buf.writeUInt16LE(360, p + 8);
      }
    }
    out.push(buf);
  }
  return out;
}

/** An Opus packet of `bytes` bytes in all (TOC 0x78: CELT fullband 20 ms, one frame). */
export function opusPacket(bytes: number): Buffer {
  const buf = Buffer.alloc(bytes, 0x33);
  buf[RTP_HEADER] = 0x78;
  return buf;
}

/** What one second of a stream looks like, and its packet rate. */
export const VIDEO = { fps: 30, keyEveryFrames: 30, keyPackets: 15, deltaPackets: 3, packetBytes: 1100 } as const;
export const AUDIO = { fps: 50, packetBytes: 92 } as const;

/** Packets per second one participant (Opus + VP8) sends, and each viewer receives of them. */
export function packetsPerSecondPerParticipant(): number {
  const keyPerSec = VIDEO.fps / VIDEO.keyEveryFrames;
  return AUDIO.fps + keyPerSec * VIDEO.keyPackets + (VIDEO.fps - keyPerSec) * VIDEO.deltaPackets;
}

/**
 * A stream replayed from one pre-built cycle (one second: a key frame then delta frames for video,
 * 50 Opus packets for audio). `next()` fills in sequence number, timestamp and picture id and
 * returns the frame's packets. A frame's buffers are reused only one cycle later, long after the
 * socket has sent them.
 */
export class ReplayStream {
  readonly shape: StreamShape;
  readonly #cycle: Frame[];
  #frame = 0;
  #seq: number;
  #timestamp: number;
  #pictureId = 0;
  readonly #tsStep: number;

  constructor(shape: StreamShape, start = { seq: 1, timestamp: 1 }) {
    this.shape = shape;
    this.#seq = start.seq;
    this.#timestamp = start.timestamp;
    if (shape.kind === 'audio') {
      this.#tsStep = 48000 / shape.fps;
      this.#cycle = Array.from({ length: shape.fps }, () => ({ packets: [opusPacket(AUDIO.packetBytes)] }));
    } else {
      this.#tsStep = 90000 / shape.fps;
      this.#cycle = Array.from({ length: VIDEO.keyEveryFrames }, (_, i) => ({
        packets: vp8FramePackets(i === 0, i === 0 ? VIDEO.keyPackets : VIDEO.deltaPackets, VIDEO.packetBytes),
      }));
    }
  }

  next(): Buffer[] {
    const frame = this.#cycle[this.#frame]!;
    this.#frame = (this.#frame + 1) % this.#cycle.length;
    const video = this.shape.kind === 'video';
    const pt = video ? VP8_PT : OPUS_PT;
    const last = frame.packets.length - 1;
    frame.packets.forEach((buf, i) => {
      writeRtpHeader(buf, { marker: video ? i === last : false, payloadType: pt, seq: this.#seq++, timestamp: this.#timestamp, ssrc: this.shape.ssrc });
      if (video) {
        buf[RTP_HEADER + 2] = 0x80 | ((this.#pictureId >> 8) & 0x7f);
        buf[RTP_HEADER + 3] = this.#pictureId & 0xff;
      }
    });
    this.#seq &= 0xffff;
    this.#timestamp = (this.#timestamp + this.#tsStep) >>> 0;
    if (video) this.#pictureId = (this.#pictureId + 1) & 0x7fff;
    return frame.packets;
  }
}

/** RTCP shares the port (rtcp-mux): its packet types 200–207 put 192–223 in byte 1 (RFC 5761 §4). */
export function isRtcp(buf: Buffer): boolean {
  return buf.length >= 2 && buf[1]! >= 192 && buf[1]! <= 223;
}

/**
 * Sequence numbers of one SSRC as a sink sees them: `expected` is how many packets the sender
 * numbered between the first and the highest seen (16-bit wrap-around extended), `lost` how many
 * of those never arrived. Reordered packets count once they come; duplicates are not expected.
 */
export class SeqTracker {
  #first = -1;
  #highest = -1;
  received = 0;

  add(seq: number): void {
    this.received++;
    if (this.#highest < 0) {
      this.#first = this.#highest = seq;
      return;
    }
    let ext = (this.#highest & ~0xffff) | seq;
    if (ext - this.#highest > 0x8000) ext -= 0x10000;
    else if (this.#highest - ext > 0x8000) ext += 0x10000;
    if (ext > this.#highest) this.#highest = ext;
  }

  get expected(): number {
    return this.#highest < 0 ? 0 : this.#highest - this.#first + 1;
  }

  get lost(): number {
    return Math.max(0, this.expected - this.received);
  }
}
