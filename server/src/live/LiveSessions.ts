import { randomId } from '../crypto/randomId.ts';
import { ErrorCode, ParleyError, Role, type BreakdownSettings, type CloseCode } from '@parley/shared';
import { KeyedQueue, type MediasoupTypes, type PreparedReceiveOptions, type Sfu } from '@parley/sfu';
import type { Logger } from '../logger.ts';
import type { EventBus } from '../events/EventBus.ts';
import { LiveCase } from './LiveCase.ts';
import type { RouterMedia } from './LiveMedia.ts';
import { ReplaceableMedia } from './ReplaceableMedia.ts';
import type { LiveStateStorage } from './LiveStateKeeper.ts';
import type { LiveSnapshot } from '@parley/shared';

/** How long a case whose worker died waits for one to be running again (its replacement starts in well under a second). */
const WORKER_WAIT_MS = 15_000;

/** What a live case needs to know of its case when it starts (read from the store: answers are promises). */
export interface CaseFacts {
  mediatorOf: (caseId: string) => Promise<string>;
  breakdownOf: (caseId: string) => Promise<BreakdownSettings>;
  /** Whether the case's parties and advisors wait to be let in (absent: never). */
  waitingRoomOf?: (caseId: string) => Promise<boolean>;
  /** Whether every one of these people agreed to the assessor following into their caucus. */
  mayObserveCaucus?: (caseId: string, occupantIds: string[]) => Promise<boolean>;
  /** Where live state is kept across restarts (LiveStates); absent: in memory only (unit tests). */
  kept?: LiveStateStorage & { load(caseId: string): Promise<LiveSnapshot | null> };
}

/** Registry of live cases. Creation goes through a per-case queue (two joins, one LiveCase). */
export class LiveSessions {
  readonly #sfu: Sfu;
  readonly #logger: Logger;
  readonly #cases = new Map<string, LiveCase>();
  readonly #queue = new KeyedQueue();
  readonly #facts: CaseFacts;
  /**
   * Cases whose LiveCase is being made, with the changes announced meanwhile: its facts were read
   * from the store before, and may be older than a change announced before it exists.
   */
  readonly #starting = new Map<string, { breakdown?: BreakdownSettings; waitingRoom?: boolean }>();
  readonly #bus: EventBus;
  /** Told when a case's live session stops running here (cluster/Cluster.ts: its lease may go). */
  readonly #closedListeners = new Set<(caseId: string) => void>();
  /** Told who is connected to a case whenever that changes (cluster/Cluster.ts: other nodes' case pages read it). */
  readonly #onlineListeners = new Set<(caseId: string, participantIds: string[]) => void>();
  /** Each case's last live state writes, awaited before its state is read again and before the store closes. */
  readonly #writes = new Map<string, Promise<void>>();

  constructor(sfu: Sfu, logger: Logger, facts: CaseFacts, bus: EventBus) {
    this.#sfu = sfu;
    this.#logger = logger;
    this.#facts = facts;
    this.#bus = bus;
  }

  /** What every case's router can send (the same for all cases): for `session:prepare`. */
  get rtpCapabilities(): unknown {
    return this.#sfu.rtpCapabilities;
  }

  /**
   * A receive transport for someone on the pre-join screen (`holderId`: their connection) on the
   * case's router, which is made now if nobody is live yet (the join takes it over): see
   * PreparedReceive in sfu/. Serialised with joins, so the router is the one the case will use.
   */
  prepareReceive(caseId: string, holderId: string): Promise<PreparedReceiveOptions> {
    return this.#queue.run(caseId, async () => (await this.#sfu.caseMedia(caseId)).prepareReceive(holderId));
  }

  /** The DTLS handshake of a transport `holderId` prepared and has not joined with yet. */
  async connectPrepared(caseId: string, holderId: string, transportId: string, dtlsParameters: MediasoupTypes.DtlsParameters): Promise<void> {
    const media = this.#sfu.getCase(caseId);
    if (!media || media.closed) throw new ParleyError(ErrorCode.NotFound, 'No such transport.');
    await media.connectPrepared(holderId, transportId, dtlsParameters);
  }

  /**
   * `holderId` no longer needs its prepared transport (it disconnected, or joined with another):
   * closed, and a router made only for people preparing goes with the last of them.
   */
  releasePrepared(caseId: string, holderId: string): Promise<void> {
    return this.#queue.run(caseId, async () => {
      const media = this.#sfu.getCase(caseId);
      if (!media || media.closed) return;
      media.dropPrepared(holderId);
      if (!this.get(caseId) && media.idle) media.close();
    });
  }

  /** `listener` hears of each case whose live session stopped running here. */
  onCaseClosed(listener: (caseId: string) => void): () => void {
    this.#closedListeners.add(listener);
    return () => this.#closedListeners.delete(listener);
  }

  onOnlineChanged(listener: (caseId: string, participantIds: string[]) => void): () => void {
    this.#onlineListeners.add(listener);
    return () => this.#onlineListeners.delete(listener);
  }

  get(caseId: string): LiveCase | undefined {
    const c = this.#cases.get(caseId);
    return c && !c.closed ? c : undefined;
  }

  /** Runs `fn` with the case's LiveCase, creating it first if needed, serialised per case. */
  withCase<T>(caseId: string, fn: (live: LiveCase) => T | Promise<T>): Promise<T> {
    return this.#queue.run(caseId, async () => {
      let live = this.get(caseId);
      if (!live) {
        const changed: { breakdown?: BreakdownSettings; waitingRoom?: boolean } = {};
        this.#starting.set(caseId, changed);
        let facts: [string, BreakdownSettings, boolean, LiveSnapshot | null];
        let first: RouterMedia;
        try {
          // Read before the media is made: a failed read leaves no router behind.
          // The state kept by the case's last live session is read after its last write is done.
          await this.#writes.get(caseId);
          facts = await Promise.all([
            this.#facts.mediatorOf(caseId),
            this.#facts.breakdownOf(caseId),
            this.#facts.waitingRoomOf?.(caseId) ?? false,
            this.#facts.kept?.load(caseId) ?? null,
          ]);
          // The SFU's CaseMedia is a RouterMedia as it is: the compiler checks it here.
          first = await this.#sfu.caseMedia(caseId);
        } finally {
          // From here on (no await until it is in #cases) the live case itself hears of changes.
          this.#starting.delete(caseId);
        }
        const [mediatorId, read, readWaitingRoom, restored] = facts;
        const breakdown = changed.breakdown ?? read;
        const waitingRoom = changed.waitingRoom ?? readWaitingRoom;
        // Rebuilt in this case's queue: a person rejoining after the worker died waits for the new media.
        const media = new ReplaceableMedia(first, () => this.#queue.run(caseId, () => this.#mediaOnLiveWorker(caseId)), this.#logger.child({ caseId }));
        live = new LiveCase(caseId, media, this.#logger, {
          mediatorId,
          breakdown,
          waitingRoom,
          mayObserveCaucus: async (ids) => (await this.#facts.mayObserveCaucus?.(caseId, ids)) ?? false,
          newId: () => randomId(9),
          bus: this.#bus,
          ...(this.#facts.kept ? { kept: { storage: this.#facts.kept, restored } } : {}),
        });
        const created = live;
        live.onOnline = (ids) => this.#onlineListeners.forEach((l) => l(caseId, ids));
        live.onEmpty = () => {
          if (this.#cases.get(caseId) === created) this.#cases.delete(caseId);
          const last = created.idle;
          this.#writes.set(caseId, last);
          void last.then(() => {
            if (this.#writes.get(caseId) === last) this.#writes.delete(caseId);
          });
          // After its last state write: another node that takes the case next reads that state.
          void last.then(() => this.#closedListeners.forEach((l) => l(caseId)));
        };
        this.#cases.set(caseId, live);
      }
      return fn(live);
    });
  }

  /**
   * A new CaseMedia for a case whose worker died. The dead worker is never picked (WorkerPool); when
   * it was the only one, its replacement on the same port is awaited.
   */
  async #mediaOnLiveWorker(caseId: string): Promise<RouterMedia> {
    await this.#sfu.pool.whenAvailable(WORKER_WAIT_MS);
    const media = await this.#sfu.caseMedia(caseId);
    this.#logger.info({ caseId, pid: media.worker.pid }, 'case media rebuilt on a live worker');
    return media;
  }

  /**
   * A running live case follows a changed breakdown procedure at once, and everyone in it learns
   * that a version of the agreement was frozen, signed or withdrawn: they may be editing the very
   * draft it came from [3.8.1]. The mediator learns at once when someone declines the protocol
   * agreement, asks about it or withdraws their consent.
   */
  subscribe(bus: EventBus): () => void {
    return bus.onEach(
      {
        'breakdown.changed': ({ caseId, settings }) => {
          const starting = this.#starting.get(caseId);
          if (starting) starting.breakdown = settings;
          this.get(caseId)?.setBreakdown(settings);
        },
        'waiting-room.changed': ({ caseId, on, by }) => {
          const starting = this.#starting.get(caseId);
          if (starting) starting.waitingRoom = on;
          const live = this.get(caseId);
          void live
            ?.setWaitingRoom(on, by)
            .then(() => live.settle())
            .catch((err: unknown) => this.#logger.error({ err, caseId }, 'the live session could not follow the changed waiting room'));
        },
        'agreement.changed': ({ caseId, current }) => this.get(caseId)?.notify.toAll('agreement:updated', { current }),
        // A mediator in a live session hears of it at once, not only on the case page [3.6.8].
        'consent.answered': ({ caseId, answer }) => this.get(caseId)?.notify.toModerators('consent:answered', answer),
        // The session ends for good: a concluded case holds none (its kept live state goes with it).
        'case.concluded': ({ caseId }) => this.get(caseId)?.close(true),
        'case.archived': ({ caseId }) => this.get(caseId)?.close(true),
      },
      // Made on another node (its HTTP API), for a case whose people are connected here.
      { fromOtherNodes: true },
    );
  }

  /** The case's live state as it is now is stored (nothing to do when it is not live). */
  settle(caseId: string): Promise<void> {
    return this.get(caseId)?.settle() ?? Promise.resolve();
  }

  /** Every live state write still in progress is done (before the store closes). */
  async settled(): Promise<void> {
    await Promise.all([...[...this.#cases.values()].map((c) => c.idle), ...this.#writes.values()]);
  }

  /** Who is connected to the case on this node (empty when it is not live here). */
  onlineIn(caseId: string): ReadonlySet<string> {
    return new Set(this.get(caseId)?.connectedIds() ?? []);
  }

  expel(caseId: string, participantId: string, code: CloseCode): void {
    this.get(caseId)?.expel(participantId, code);
  }

  /**
   * How many cases are live and how many people are in them, by role (metrics). Counts only:
   * nothing here names a case or a person. Someone whose connection dropped counts while their
   * place waits (the breakdown grace period).
   */
  stats(): { cases: number; participants: Record<Role, number> } {
    const participants = Object.fromEntries(Role.options.map((r) => [r, 0])) as Record<Role, number>;
    let cases = 0;
    for (const c of this.#cases.values()) {
      if (c.closed) continue;
      cases++;
      for (const m of c.members()) participants[m.role]++;
    }
    return { cases, participants };
  }

  closeAll(): void {
    for (const c of this.#cases.values()) c.close();
    this.#cases.clear();
  }
}
