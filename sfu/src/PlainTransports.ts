import type { types } from 'mediasoup';
import type { MediaTransport } from './MediaPeer.ts';

/**
 * What a plain RTP transport needs from a case's media (CaseMedia provides it): the peer's router
 * to create it on, and the peer's transports to keep it with.
 */
export interface PlainTransportHost {
  routerFor(peerId: string): Promise<types.Router>;
  attachTransport(peerId: string, direction: 'send' | 'recv', transport: MediaTransport): void;
}

export interface PlainTransportOptions {
  listenIp: string;
  /** Receive transports: where the consumers' RTP goes. */
  remote?: { ip: string; port: number };
  /** Encrypt what this transport sends (SRTP) with this suite; clear RTP when absent. */
  srtpCryptoSuite?: types.SrtpCryptoSuite;
}

/**
 * A plain RTP transport for a peer of the case, server-side load for the SFU cost benchmark
 * (server/src/bench/sfu-cost.bench.ts). It sits with the peer's transports, so produce(),
 * setReady() and the consumers room membership creates (paused, resumed by confirmConsumer) run
 * exactly as for a browser; only ICE and DTLS are absent. A send transport learns its remote
 * from the first packet (comedia); a receive transport sends to `remote`. No socket request leads
 * here: browsers get CaseMedia.createWebRtcTransport.
 */
export async function createPlainTransport(
  media: PlainTransportHost,
  peerId: string,
  direction: 'send' | 'recv',
  options: PlainTransportOptions,
): Promise<{ id: string; localPort: number }> {
  const router = await media.routerFor(peerId);
  const transport = await router.createPlainTransport({
    listenInfo: { protocol: 'udp', ip: options.listenIp },
    rtcpMux: true,
    comedia: direction === 'send',
    ...(options.srtpCryptoSuite ? { enableSrtp: true, srtpCryptoSuite: options.srtpCryptoSuite } : {}),
    appData: { peerId, direction },
  });
  try {
    if (direction === 'recv' && options.remote) {
      // The remote's own key only decrypts what it sends back (RTCP); the sinks send nothing.
      const srtpParameters = transport.srtpParameters && { cryptoSuite: transport.srtpParameters.cryptoSuite, keyBase64: transport.srtpParameters.keyBase64 };
      await transport.connect({ ...options.remote, ...(srtpParameters ? { srtpParameters } : {}) });
    }
  } catch (err) {
    transport.close();
    throw err;
  }
  // Throws (and closes it) when the peer left meanwhile.
  media.attachTransport(peerId, direction, transport);
  return { id: transport.id, localPort: transport.tuple.localPort };
}
