import { EventEmitter } from 'node:events';
import { ErrorCode, ParleyError } from '@parley/shared';
import { KeyedQueue } from '@parley/sfu';
import type { Logger } from '../logger.ts';
import type { CaseLeases } from './CaseLeases.ts';

/**
 * Which live cases this node runs (issue 14; docs/scaling.md). Every connection for a case
 * (signalling or draft) enters here before it is accepted, and leaves when it closes. On one node
 * every case is this node's (`CaseOwnership.single()`). With several nodes a case is this node's
 * while it holds the case's lease (CaseLeases): the first connection claims it, the lease is
 * renewed while connections or the live case remain, and it is released when the last one goes, so
 * the case may start on any node next time. A connection for a case another node holds is refused
 * with `moved` and that node's address, for the client to connect there.
 */
export interface CaseOwnershipEvents {
  /** The lease was found taken by another node: the case must stop here at once (its people reconnect there). */
  lost: [caseId: string];
}

export class CaseOwnership extends EventEmitter<CaseOwnershipEvents> {
  readonly #leases: CaseLeases | undefined;
  readonly #log: Logger | undefined;
  /** The connections entered per case on this node (each a token, so that one from before a lost lease counts for nothing after it). */
  readonly #entered = new Map<string, Set<object>>();
  /** Whether the case's live session still runs here (someone's place waits through a dropped connection). */
  #isLive: (caseId: string) => boolean = () => false;
  /** Each case's claims and releases, one at a time per case, in order. */
  readonly #queue = new KeyedQueue();

  private constructor(leases: CaseLeases | undefined, logger: Logger | undefined) {
    super();
    this.#leases = leases;
    this.#log = logger?.child({ component: 'case-ownership' });
    leases?.on('lost', (caseId) => {
      this.#entered.delete(caseId);
      this.emit('lost', caseId);
    });
  }

  /** One node: every case is this node's, and nothing is asked of Redis. */
  static single(): CaseOwnership {
    return new CaseOwnership(undefined, undefined);
  }

  static leased(leases: CaseLeases, logger: Logger): CaseOwnership {
    return new CaseOwnership(leases, logger);
  }

  /** How the live sessions are asked whether a case still runs here (set once, at start). */
  set isLive(fn: (caseId: string) => boolean) {
    this.#isLive = fn;
  }

  /**
   * A connection for the case arrives. Resolves with its `leave` when this node runs the case;
   * rejects with `moved` (and the owner's address) when another node does.
   */
  async enter(caseId: string): Promise<() => void> {
    const leases = this.#leases;
    if (!leases) return () => undefined;
    const token = {};
    await this.#queue.run(caseId, async () => {
      if (!(this.#entered.get(caseId)?.size && leases.holds(caseId))) {
        const claim = await leases.claim(caseId);
        if (!claim.owner) throw new ParleyError(ErrorCode.Moved, 'This session runs on another server. Connecting you there.', { moveTo: claim.ownerUrl });
      }
      let set = this.#entered.get(caseId);
      if (!set) this.#entered.set(caseId, (set = new Set()));
      set.add(token);
    });
    return () => {
      const set = this.#entered.get(caseId);
      if (!set?.delete(token)) return;
      if (set.size === 0) {
        this.#entered.delete(caseId);
        this.caseIdle(caseId);
      }
    };
  }

  /** The address of another node that runs the case now; undefined when this node does, or nobody. */
  async elsewhere(caseId: string): Promise<string | undefined> {
    const leases = this.#leases;
    if (!leases || leases.holds(caseId)) return undefined;
    const holder = await leases.holder(caseId);
    return holder !== null && holder !== leases.nodeUrl ? holder : undefined;
  }

  /**
   * Nothing of the case may be left here: no connection, no live session. Then its lease goes, so
   * that whoever comes next may start it on any node. Also called when a live session ends.
   */
  caseIdle(caseId: string): void {
    const leases = this.#leases;
    if (!leases || this.#entered.get(caseId)?.size || this.#isLive(caseId)) return;
    void this.#queue.run(caseId, async () => {
      // Someone entered again meanwhile: the case stays.
      if (this.#entered.get(caseId)?.size || this.#isLive(caseId)) return;
      await leases.release(caseId);
    }).catch((err: unknown) => this.#log?.warn({ err, caseId }, 'case lease not released (it expires by itself)'));
  }
}
