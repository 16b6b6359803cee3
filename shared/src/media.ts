import { z } from 'zod';

/**
 * Wire shapes of the mediasoup parameters clients send. mediasoup validates their inner structure
 * itself; here we bound sizes and shapes so that nothing unbounded or of the wrong type reaches it.
 * Strict: every key mediasoup-client 3.24 may send is listed (its RtpParameters.d.ts), and any other
 * key is refused rather than passed through to the worker.
 */
const Str = z.string().max(256);
const Params = z.record(z.string().max(64), z.union([z.string().max(256), z.number(), z.boolean()]));

const RtcpFeedback = z.strictObject({ type: Str, parameter: Str.optional() });

export const RtpCodecCapability = z.strictObject({
  kind: z.enum(['audio', 'video']),
  mimeType: Str,
  preferredPayloadType: z.number().int().min(0).max(127).optional(),
  clockRate: z.number().int().positive(),
  channels: z.number().int().positive().max(8).optional(),
  parameters: Params.optional(),
  rtcpFeedback: z.array(RtcpFeedback).max(32).optional(),
});

const HeaderExtensionCap = z.strictObject({
  kind: z.enum(['audio', 'video']),
  uri: Str,
  preferredId: z.number().int().min(1).max(255),
  preferredEncrypt: z.boolean().optional(),
  direction: z.enum(['sendrecv', 'sendonly', 'recvonly', 'inactive']).optional(),
});

export const RtpCapabilities = z.strictObject({
  codecs: z.array(RtpCodecCapability).max(64).optional(),
  headerExtensions: z.array(HeaderExtensionCap).max(64).optional(),
});
export type RtpCapabilitiesWire = z.infer<typeof RtpCapabilities>;

const RtpCodecParameters = z.strictObject({
  mimeType: Str,
  payloadType: z.number().int().min(0).max(127),
  clockRate: z.number().int().positive(),
  channels: z.number().int().positive().max(8).optional(),
  parameters: Params.optional(),
  rtcpFeedback: z.array(RtcpFeedback).max(32).optional(),
});

const RtpEncoding = z.strictObject({
  ssrc: z.number().int().nonnegative().optional(),
  rid: Str.optional(),
  codecPayloadType: z.number().int().optional(),
  rtx: z.strictObject({ ssrc: z.number().int().nonnegative() }).optional(),
  dtx: z.boolean().optional(),
  scalabilityMode: Str.optional(),
  maxBitrate: z.number().nonnegative().optional(),
  active: z.boolean().optional(),
  scaleResolutionDownBy: z.number().min(1).max(64).optional(),
  maxFramerate: z.number().nonnegative().max(240).optional(),
  adaptivePtime: z.boolean().optional(),
  priority: z.enum(['very-low', 'low', 'medium', 'high']).optional(),
  networkPriority: z.enum(['very-low', 'low', 'medium', 'high']).optional(),
});

export const RtpParameters = z.strictObject({
  mid: Str.optional(),
  codecs: z.array(RtpCodecParameters).min(1).max(16),
  headerExtensions: z
    .array(z.strictObject({ uri: Str, id: z.number().int().min(1).max(255), encrypt: z.boolean().optional(), parameters: Params.optional() }))
    .max(32)
    .optional(),
  encodings: z.array(RtpEncoding).max(8).optional(),
  rtcp: z.strictObject({ cname: Str.optional(), reducedSize: z.boolean().optional(), mux: z.boolean().optional() }).optional(),
  msid: Str.optional(),
});
export type RtpParametersWire = z.infer<typeof RtpParameters>;

export const DtlsParameters = z.strictObject({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z
    .array(z.strictObject({ algorithm: z.enum(['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512']), value: z.string().max(200) }))
    .min(1)
    .max(8),
});
export type DtlsParametersWire = z.infer<typeof DtlsParameters>;

/**
 * A TURN server the browser may relay through, with short-lived credentials in coturn's REST-API
 * scheme (username "<expiry unix time>:<id>", credential the HMAC of it under the shared secret).
 * Only people allowed into the session receive them: they come with their transports.
 */
export interface IceServerWire {
  urls: string[];
  username: string;
  credential: string;
}

/** How the browser may reach the media server: `relay` allows TURN candidates only (operator's choice). */
export type IceTransportPolicyWire = 'all' | 'relay';

/** The ICE servers for a transport and when their credentials stop working. */
export interface IceConfigWire {
  iceServers: IceServerWire[];
  iceTransportPolicy: IceTransportPolicyWire;
  /** Epoch ms after which TURN refuses these credentials; null without TURN. Renew before it. */
  iceServersExpireAt: number | null;
}

/** What the server sends back for a new WebRtcTransport (server → client, not validated on receipt). */
export interface TransportOptionsWire extends IceConfigWire {
  id: string;
  iceParameters: unknown;
  iceCandidates: unknown[];
  dtlsParameters: unknown;
  /** A prepared receive transport's SCTP parameters (for its data channel); absent otherwise. */
  sctpParameters?: unknown;
}
