import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConsumerOffer, ConsumerOfferAck } from '@parley/shared';
import type { MediaEngine } from './MediaEngine.ts';
import { Others } from './Others.ts';
import type { TypedSocket } from './Signalling.ts';
import { Store, initialSessionState, type RemoteMedia, type SessionState } from './store.ts';

afterEach(() => vi.useRealTimers());

const remote = (consumerId: string): RemoteMedia => ({ consumerId, producerId: `p-${consumerId}`, participantId: 'ben', kind: 'audio', source: 'mic', label: null, track: null as unknown as MediaStreamTrack, producerPaused: false });
const offer = (consumerId: string): ConsumerOffer => ({ consumerId, transportId: 't', producerId: `p-${consumerId}`, participantId: 'ada', kind: 'audio', source: 'mic', label: null, rtpParameters: {}, producerPaused: false });

/** Others over a real Store, a socket that only delivers, and media whose builds finish when told. */
function setUp() {
  const store = new Store<SessionState>({ ...initialSessionState, remote: [remote('old-audio'), remote('old-video')] });
  const drawn: Array<string[]> = [];
  store.subscribe(() => drawn.push(store.getSnapshot().remote.map((r) => r.consumerId)));
  const builds: Array<() => void> = [];
  const media = {
    consumerClosed: () => true,
    consume: (o: ConsumerOffer) => new Promise((resolve) => builds.push(() => resolve({ consumer: { id: o.consumerId, track: null }, producerPaused: false }))),
  } as unknown as MediaEngine;
  const others = new Others({
    media,
    read: () => store.getSnapshot(),
    update: (change) => store.update(change),
    announce: () => undefined,
    stale: () => () => false,
    finished: () => false,
    holdScreen: () => store.hold(250),
    selfChanged: () => undefined,
    otherChanged: () => undefined,
  });
  const socket = new EventEmitter();
  others.listen(socket as unknown as TypedSocket);
  const acks: ConsumerOfferAck[] = [];
  return { store, drawn, builds, socket, acks, offerAck: (a: ConsumerOfferAck) => acks.push(a) };
}

describe('Others: what a caucus move draws', () => {
  it('draws the closed consumers and the offered ones that follow them once, after the new ones are built', async () => {
    vi.useFakeTimers();
    const { drawn, builds, socket, acks, offerAck } = setUp();
    socket.emit('consumer:closed', { consumerId: 'old-audio', reason: 'room-changed' });
    socket.emit('consumer:closed', { consumerId: 'old-video', reason: 'room-changed' });
    // The offers come a worker round trip later: nothing is drawn meanwhile.
    await vi.advanceTimersByTimeAsync(20);
    expect(drawn).toEqual([]);
    socket.emit('consumer:receive', offer('new-audio'), offerAck);
    await vi.advanceTimersByTimeAsync(150);
    expect(drawn).toEqual([]);
    builds[0]!();
    await vi.advanceTimersByTimeAsync(0);
    expect(acks).toEqual([{ ok: true }]);
    expect(drawn).toEqual([['new-audio']]);
  });

  it('draws a closed consumer no offer follows a moment later', async () => {
    vi.useFakeTimers();
    const { drawn, socket } = setUp();
    socket.emit('consumer:closed', { consumerId: 'old-video', reason: 'producer-closed' });
    await vi.advanceTimersByTimeAsync(50);
    expect(drawn).toEqual([]);
    await vi.advanceTimersByTimeAsync(60);
    expect(drawn).toEqual([['old-audio']]);
  });
});
