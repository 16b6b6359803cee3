import type { LiveStateStorage } from './LiveStateKeeper.ts';
import type { BreakdownSettings, LiveSnapshot, MediaSource, Role } from '@parley/shared';
import type { MediasoupTypes, ProducerSummary, TransportOptions } from '@parley/sfu';
import { createLogger } from '../logger.ts';
import { EventBus } from '../events/EventBus.ts';
import type { ServerEvents } from '../events/events.ts';
import type { Identity } from '../domain/CaseService.ts';
import { LiveCase } from './LiveCase.ts';
import type { LiveMedia, LiveMediaEvents } from './LiveMedia.ts';
import type { Member, ParleySocket } from './Member.ts';

/**
 * Test doubles for the live model's unit tests: media without a mediasoup worker that keeps who is
 * where and what they send, and sockets that record what they were told.
 */
export class FakeMedia implements LiveMedia {
  readonly rtpCapabilities: MediasoupTypes.RtpCapabilities = { codecs: [], headerExtensions: [] };
  readonly peers = new Map<string, string>();
  readonly #producers = new Map<string, { peerId: string; source: MediaSource; paused: boolean }>();
  readonly #held = new Set<string>();
  readonly #audioOnly = new Set<string>();
  readonly #listeners = new Map<string, unknown[]>();
  #next = 0;
  closed = false;

  on<K extends keyof LiveMediaEvents & string>(event: K, listener: (...args: LiveMediaEvents[K]) => void): this {
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), listener]);
    return this;
  }
  /** What CaseMedia would emit. */
  fire<K extends keyof LiveMediaEvents & string>(event: K, ...args: LiveMediaEvents[K]): void {
    for (const l of this.#listeners.get(event) ?? []) (l as (...a: LiveMediaEvents[K]) => void)(...args);
  }
  close(): void {
    this.closed = true;
  }

  hasPeer(peerId: string): boolean {
    return this.peers.has(peerId);
  }
  addPeer(peerId: string, roomId: string): void {
    this.peers.set(peerId, roomId);
  }
  removePeer(peerId: string): void {
    this.peers.delete(peerId);
    for (const [id, p] of this.#producers) if (p.peerId === peerId) this.#producers.delete(id);
  }
  async movePeer(peerId: string, roomId: string): Promise<void> {
    this.peers.set(peerId, roomId);
  }

  /** A person starts sending (what `producer:create` would do). */
  publish(peerId: string, source: MediaSource): string {
    const id = `producer-${++this.#next}`;
    this.#producers.set(id, { peerId, source, paused: false });
    return id;
  }
  producersOf(peerId: string): ProducerSummary[] {
    return [...this.#producers]
      .filter(([, p]) => p.peerId === peerId)
      .map(([producerId, p]) => ({ producerId, source: p.source, label: null, kind: p.source === 'mic' || p.source === 'screen-audio' ? 'audio' : 'video', paused: p.paused }));
  }
  ownerOf(producerId: string): { peerId: string; source: MediaSource } | undefined {
    const p = this.#producers.get(producerId);
    return p && { peerId: p.peerId, source: p.source };
  }
  closeProducer(_peerId: string, producerId: string): void {
    this.#producers.delete(producerId);
  }
  closeSources(peerId: string, sources: MediaSource[]): string[] {
    const ids = [...this.#producers].filter(([, p]) => p.peerId === peerId && sources.includes(p.source)).map(([id]) => id);
    for (const id of ids) this.#producers.delete(id);
    return ids;
  }
  async setHold(peerId: string, source: MediaSource, held: boolean): Promise<void> {
    if (held) this.#held.add(`${peerId}:${source}`);
    else this.#held.delete(`${peerId}:${source}`);
  }
  isHeld(peerId: string, source: MediaSource): boolean {
    return this.#held.has(`${peerId}:${source}`);
  }
  async setAudioOnly(peerId: string, on: boolean): Promise<void> {
    if (on) this.#audioOnly.add(peerId);
    else this.#audioOnly.delete(peerId);
  }
  isAudioOnly(peerId: string): boolean {
    return this.#audioOnly.has(peerId);
  }

  // The per-person transport plumbing is exercised by the integration tests with a real worker.
  async createWebRtcTransport(): Promise<TransportOptions> {
    throw new Error('FakeMedia has no transports');
  }
  async connectTransport(): Promise<void> {}
  adoptPrepared(): boolean {
    return false;
  }
  async restartIce(): Promise<MediasoupTypes.IceParameters> {
    throw new Error('FakeMedia has no transports');
  }
  async setReady(): Promise<number> {
    return 0;
  }
  async produce(peerId: string, args: { source: MediaSource }): Promise<string> {
    return this.publish(peerId, args.source);
  }
  async setProducerPaused(): Promise<void> {}
  readonly consumerAckTimeoutMs = 10_000;
  async confirmConsumer(): Promise<boolean> {
    return true;
  }
  refuseConsumer(): boolean {
    return true;
  }
}

/** A socket that records what it was told and whether it was closed. */
export interface FakeSocket {
  data: ParleySocket['data'];
  told: { event: string; payload: unknown }[];
  disconnected: boolean;
  /** Payloads of one event, in order. */
  heard(event: string): unknown[];
}

export function fakeSocket(identity: Identity, device?: string): FakeSocket & ParleySocket {
  const s: FakeSocket & { connected: boolean; emit(e: string, p: unknown): boolean; disconnect(): void } = {
    data: { identity, ...(device ? { device } : {}) },
    told: [],
    disconnected: false,
    get connected() {
      return !s.disconnected;
    },
    heard: (event) => s.told.filter((t) => t.event === event).map((t) => t.payload),
    emit(event, payload) {
      s.told.push({ event, payload });
      return true;
    },
    disconnect() {
      s.disconnected = true;
    },
  };
  return s as unknown as FakeSocket & ParleySocket;
}

export const CASE_ID = 'case-1';
export const MEDIATOR = 'm';

export function person(participantId: string, role: Role, opts: { invited?: boolean } = {}): Identity {
  const invited = opts.invited ?? role !== 'mediator';
  return { caseId: CASE_ID, participantId, role, displayName: `Name of ${participantId}`, side: role === 'party' ? participantId : null, phase: { state: 'open', partyAccessUntil: null }, ...(invited ? { jti: `jti-${participantId}` } : {}) };
}

export const BREAKDOWN: BreakdownSettings = { graceSeconds: 30, pauseJointSession: true, audioOnlyFallback: true, textFallback: true, reschedulingContact: '' };

/** A live case on fake media, with the bus events it emitted. */
export function liveCase(
  opts: { breakdown?: BreakdownSettings; mayObserveCaucus?: (ids: string[]) => boolean | Promise<boolean>; waitingRoom?: boolean; kept?: { storage: LiveStateStorage; restored: LiveSnapshot | null } } = {},
) {
  const media = new FakeMedia();
  const bus = new EventBus(createLogger('silent'));
  const events: { [K in keyof ServerEvents]?: ServerEvents[K][] } = {};
  for (const name of ['room.created', 'room.placed', 'record.entry'] as const) {
    bus.on(name, (p) => ((events[name] ??= [] as never[]) as unknown[]).push(p));
  }
  let ids = 0;
  const lc = new LiveCase(CASE_ID, media, createLogger('silent'), {
    mediatorId: MEDIATOR,
    newId: () => `id${++ids}`,
    breakdown: opts.breakdown ?? BREAKDOWN,
    bus,
    // Asynchronous, as the store's answer is: a plain answer still arrives a turn later.
    ...(opts.mayObserveCaucus ? { mayObserveCaucus: async (ids: string[]) => opts.mayObserveCaucus!(ids) } : {}),
    ...(opts.waitingRoom ? { waitingRoom: true } : {}),
    ...(opts.kept ? { kept: opts.kept } : {}),
  });
  const sockets = new Map<string, FakeSocket>();
  /** Joins a person on a new fake socket. */
  const join = async (identity: Identity, device?: string): Promise<{ member: Member; socket: FakeSocket }> => {
    const socket = fakeSocket(identity, device);
    sockets.set(identity.participantId, socket);
    return { member: await lc.join(identity, socket), socket };
  };
  const records = (type: string) => (events['record.entry'] ?? []).filter((e) => e.type === type);
  return { lc, media, bus, events, join, records, socketOf: (id: string) => sockets.get(id)! };
}
