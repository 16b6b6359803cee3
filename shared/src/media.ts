import { z } from 'zod';

/**
 * Wire shapes of the mediasoup parameters clients send. mediasoup validates their inner structure
 * itself; here we bound sizes and shapes so that nothing unbounded or of the wrong type reaches it.
 */
const Str = z.string().max(256);
const Params = z.record(z.string().max(64), z.union([z.string().max(256), z.number(), z.boolean()]));

const RtcpFeedback = z.object({ type: Str, parameter: Str.optional() });

export const RtpCodecCapability = z.looseObject({
  kind: z.enum(['audio', 'video']),
  mimeType: Str,
  preferredPayloadType: z.number().int().min(0).max(127).optional(),
  clockRate: z.number().int().positive(),
  channels: z.number().int().positive().max(8).optional(),
  parameters: Params.optional(),
  rtcpFeedback: z.array(RtcpFeedback).max(32).optional(),
});

const HeaderExtensionCap = z.looseObject({
  kind: z.enum(['audio', 'video']),
  uri: Str,
  preferredId: z.number().int().min(1).max(255),
  preferredEncrypt: z.boolean().optional(),
  direction: z.enum(['sendrecv', 'sendonly', 'recvonly', 'inactive']).optional(),
});

export const RtpCapabilities = z.looseObject({
  codecs: z.array(RtpCodecCapability).max(64).optional(),
  headerExtensions: z.array(HeaderExtensionCap).max(64).optional(),
});
export type RtpCapabilitiesWire = z.infer<typeof RtpCapabilities>;

const RtpCodecParameters = z.looseObject({
  mimeType: Str,
  payloadType: z.number().int().min(0).max(127),
  clockRate: z.number().int().positive(),
  channels: z.number().int().positive().max(8).optional(),
  parameters: Params.optional(),
  rtcpFeedback: z.array(RtcpFeedback).max(32).optional(),
});

const RtpEncoding = z.looseObject({
  ssrc: z.number().int().nonnegative().optional(),
  rid: Str.optional(),
  codecPayloadType: z.number().int().optional(),
  rtx: z.object({ ssrc: z.number().int().nonnegative() }).optional(),
  dtx: z.boolean().optional(),
  scalabilityMode: Str.optional(),
  maxBitrate: z.number().nonnegative().optional(),
});

export const RtpParameters = z.looseObject({
  mid: Str.optional(),
  codecs: z.array(RtpCodecParameters).min(1).max(16),
  headerExtensions: z
    .array(z.looseObject({ uri: Str, id: z.number().int().min(1).max(255), encrypt: z.boolean().optional(), parameters: Params.optional() }))
    .max(32)
    .optional(),
  encodings: z.array(RtpEncoding).max(8).optional(),
  rtcp: z.looseObject({ cname: Str.optional(), reducedSize: z.boolean().optional() }).optional(),
  msid: Str.optional(),
});
export type RtpParametersWire = z.infer<typeof RtpParameters>;

export const DtlsParameters = z.object({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z
    .array(z.object({ algorithm: z.enum(['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512']), value: z.string().max(200) }))
    .min(1)
    .max(8),
});
export type DtlsParametersWire = z.infer<typeof DtlsParameters>;

/** What the server sends back for a new WebRtcTransport (server → client, not validated on receipt). */
export interface TransportOptionsWire {
  id: string;
  iceParameters: unknown;
  iceCandidates: unknown[];
  dtlsParameters: unknown;
}
