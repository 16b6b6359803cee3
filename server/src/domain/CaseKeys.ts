import { ErrorCode, ParleyError, ProtocolAgreement, renderAssessorNames, renderMediatorNames, type CaseLifecycle } from '@parley/shared';
import type { Keyring } from '../crypto/Keyring.ts';
import type { CaseHead, CaseRow, ParticipantRow, Store } from '../store/Store.ts';
import { OpenedNames } from './OpenedNames.ts';

/**
 * A case's data key and what is opened with it: the one place (with the classes that share it:
 * CaseService, Invitations, Consent) where sealed case fields become text.
 */
export class CaseKeys {
  readonly #store: Store;
  readonly #keys: Keyring;
  readonly #known = new Map<string, Uint8Array>();
  readonly #names = new OpenedNames();

  constructor(store: Store, keys: Keyring) {
    this.#store = store;
    this.#keys = keys;
  }

  /** A new case's key: remembered at once, returned with its wrapped form for the case row. */
  create(caseId: string): { key: Uint8Array; wrapped: string } {
    const made = this.#keys.newCaseKey();
    this.#known.set(caseId, made.key);
    return made;
  }

  /** The case's data key (unwrapped once, then cached), for modules that seal their own records. */
  async of(caseId: string): Promise<Uint8Array> {
    // Cases are never deleted: a key once unwrapped belongs to a case that exists. Thread bodies
    // are sealed and opened one by one, and each used to read the case row again first.
    const known = this.#known.get(caseId);
    if (known) return known;
    const c = await this.#store.getCaseHead(caseId);
    if (!c) throw new ParleyError(ErrorCode.NotFound, 'No such case.');
    return this.keyOf(c);
  }

  keyOf(c: CaseHead): Uint8Array {
    let key = this.#known.get(c.id);
    if (!key) {
      key = this.#keys.unwrapCaseKey(c.wrapped_key);
      this.#known.set(c.id, key);
    }
    return key;
  }

  open(c: CaseHead, sealed: string): string {
    return this.#keys.openText(this.keyOf(c), sealed);
  }

  seal(c: CaseHead, text: string): string {
    return this.#keys.sealText(this.keyOf(c), text);
  }

  /** A participant's display name as stored now (opened once per stored value, see OpenedNames). */
  nameOf(c: CaseHead, p: ParticipantRow): string {
    return this.#names.of(c.id, p.id, p.display_name_sealed, (sealed) => this.open(c, sealed));
  }

  /** Where the case stands at its end, the mediator's reason opened. */
  lifecycleOf(c: CaseRow): CaseLifecycle {
    return {
      state: c.state,
      concludedAt: c.concluded_at,
      outcome: c.outcome,
      reason: c.reason_sealed ? this.open(c, c.reason_sealed) : null,
      partyAccessUntil: c.party_access_until,
      archivedAt: c.archived_at,
    };
  }

  /** The agreement as people read it: assessor and mediator tokens filled with their (sealed) names. */
  agreementShown(c: CaseRow, people: ParticipantRow[]): ProtocolAgreement {
    const agreement = ProtocolAgreement.parse(JSON.parse(c.agreement_json));
    const names = new Map(people.filter((p) => p.role === 'assessor' || p.role === 'mediator').map((p) => [p.id, this.nameOf(c, p)]));
    return renderMediatorNames(renderAssessorNames(agreement, (id) => names.get(id)), (id) => names.get(id));
  }
}
