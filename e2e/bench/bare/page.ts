/**
 * The bare mediasoup page (bundled by server.ts). `/?send` sends the fake camera with the product's
 * capture and encoding settings; any other page, on a click on "Join", does what a minimal
 * mediasoup app does to show it: connect the signalling → router capabilities → device.load →
 * receive transport → consume (one video consumer, paused on the server) → ask to resume.
 * Each step leaves a User Timing mark "bare:<step>" for the benchmark's step table.
 */
import { Device, type types } from 'mediasoup-client';
import { io, type Socket } from 'socket.io-client';

type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

const status = document.getElementById('status')!;
const button = document.getElementById('join') as HTMLButtonElement;
const video = document.getElementById('remote') as HTMLVideoElement;

const mark = (step: string) => performance.mark(`bare:${step}`);

function request<T>(socket: Socket, name: string, payload?: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    socket.timeout(10_000).emit(name, payload ?? {}, (err: Error | null, res: Ack<T>) => {
      if (err) reject(new Error(`${name}: no answer`, { cause: err }));
      else if (res.ok) resolve(res.data);
      else reject(new Error(`${name}: ${res.error.code}: ${res.error.message}`));
    });
  });
}

function connect(): Promise<Socket> {
  const socket = io({ transports: ['websocket'], reconnection: false });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

type TransportOptions = Parameters<Device['createRecvTransport']>[0];

async function transport(socket: Socket, device: Device, direction: 'send' | 'recv'): Promise<types.Transport> {
  const options = await request<TransportOptions>(socket, 'transport', { direction });
  const t = direction === 'send' ? device.createSendTransport(options) : device.createRecvTransport(options);
  t.on('connect', ({ dtlsParameters }, done, fail) => {
    request(socket, 'connect-transport', { transportId: t.id, dtlsParameters }).then(() => done(), fail);
  });
  t.on('connectionstatechange', (s) => {
    if (s === 'connected') mark(`${direction}-transport-connected`);
  });
  return t;
}

async function loadDevice(socket: Socket): Promise<Device> {
  const routerRtpCapabilities = await request<types.RtpCapabilities>(socket, 'caps');
  const device = await Device.factory();
  await device.load({ routerRtpCapabilities });
  return device;
}

async function send(): Promise<void> {
  const socket = await connect();
  const device = await loadDevice(socket);
  const t = await transport(socket, device, 'send');
  t.on('produce', ({ kind, rtpParameters }, done, fail) => {
    request<{ id: string }>(socket, 'produce', { transportId: t.id, kind, rtpParameters }).then(done, fail);
  });
  // The product's camera (client/src/session/local-media.ts, MediaEngine.ts): same constraints and encoding.
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 24, max: 30 } } });
  const producer = await t.produce({ track: stream.getVideoTracks()[0]!, encodings: [{ maxBitrate: 700_000 }], codecOptions: { videoGoogleStartBitrate: 300 } });
  // The benchmark waits for encoded frames before it measures anyone joining.
  (window as unknown as { framesEncoded: () => Promise<number> }).framesEncoded = async () => {
    let n = 0;
    (await producer.getStats()).forEach((e: Record<string, unknown>) => {
      if (e.type === 'outbound-rtp' && typeof e.framesEncoded === 'number') n += e.framesEncoded;
    });
    return n;
  };
  status.textContent = 'Sending';
}

async function join(): Promise<void> {
  mark('join-click');
  button.disabled = true;
  const socket = await connect();
  mark('socket-connected');
  const device = await loadDevice(socket);
  mark('device-loaded');
  const t = await transport(socket, device, 'recv');
  mark('recv-transport-created');
  const offer = await request<{ id: string; producerId: string; kind: 'video'; rtpParameters: types.RtpParameters }>(socket, 'consume', {
    transportId: t.id,
    rtpCapabilities: device.rtpCapabilities,
  });
  const consumer = await t.consume(offer);
  mark('consumer-built');
  video.srcObject = new MediaStream([consumer.track]);
  await request(socket, 'resume', { consumerId: consumer.id });
  mark('resume-ack');
  status.textContent = 'Joined';
}

function fail(error: unknown): void {
  console.error(error);
  status.textContent = `Failed: ${String((error as Error).message ?? error)}`;
}

if (new URLSearchParams(location.search).has('send')) {
  send().catch(fail);
} else {
  button.addEventListener('click', () => void join().catch(fail));
  button.disabled = false;
}
