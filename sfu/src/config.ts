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
  /** How long a new consumer waits for its viewer's ack before it is closed (CONSUMER_ACK_TIMEOUT_MS by default). */
  consumerAckTimeoutMs?: number;
}

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
