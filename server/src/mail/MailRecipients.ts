import { ErrorCode, ParleyError, type CaseMail, type MyMail, type MyMailBody, type Role } from '@parley/shared';
import type { CaseService, Identity } from '../domain/CaseService.ts';
import type { Keyring } from '../crypto/Keyring.ts';
import type { EventBus } from '../events/EventBus.ts';
import { randomId } from '../crypto/randomId.ts';
import type { Store } from '../store/Store.ts';
import { MailStore, type RecipientRow } from './MailStore.ts';

/** Where a mail to one person goes, and the link that turns their mails off. */
export interface Deliverable {
  caseId: string;
  participantId: string;
  role: Role;
  side: string | null;
  address: string;
  unsubscribeUrl: string;
}

/**
 * Each person's e-mail address and whether they want mails [issue 13]. The mediator enters and
 * corrects the address; the person can change it and turn mails off and on from their link page,
 * or off with the link in any mail. Only the person turns mails back on. The address and the
 * unsubscribe token are sealed with the case key; the token's hash finds the person.
 */
export class MailRecipients {
  readonly #db: MailStore;
  readonly #store: Store;
  readonly #cases: CaseService;
  readonly #keys: Keyring;
  readonly #available: boolean;
  readonly #baseUrl: () => string;

  constructor(store: Store, cases: CaseService, keys: Keyring, opts: { available: boolean; baseUrl: () => string }) {
    this.#db = new MailStore(store.db);
    this.#store = store;
    this.#cases = cases;
    this.#keys = keys;
    this.#available = opts.available;
    this.#baseUrl = opts.baseUrl;
  }

  /** The address given with a new person is stored before anything is mailed (MailNotices subscribes after this). */
  subscribe(bus: EventBus): () => void {
    return bus.on('invitation.issued', (e) => {
      if (e.email) this.setAddress(e.caseId, e.participantId, e.email);
    });
  }

  forMediator(mediatorId: string, caseId: string): CaseMail {
    this.#cases.mediatorIdentity(mediatorId, caseId);
    const rows = new Map(this.#db.recipientsOf(caseId).map((r) => [r.participant_id, r]));
    const people = this.#cases.roster(caseId).filter((p) => p.role !== 'mediator');
    return { available: this.#available, people: people.map((p) => ({ participantId: p.id, ...this.#settings(rows.get(p.id)) })) };
  }

  /** The mediator's correction; a person who turned mails off stays off (a new address is no consent to mails). */
  setByMediator(mediatorId: string, caseId: string, participantId: string, email: string | null): CaseMail {
    this.#cases.mediatorIdentity(mediatorId, caseId);
    const p = this.#cases.roster(caseId).find((x) => x.id === participantId);
    if (!p || p.role === 'mediator') throw new ParleyError(ErrorCode.NotFound, 'No such participant.');
    this.setAddress(caseId, participantId, email);
    return this.forMediator(mediatorId, caseId);
  }

  forInvitee(who: Identity): MyMail {
    return { available: this.#available, ...this.#settings(this.#db.recipient(who.participantId)) };
  }

  setMine(who: Identity, body: MyMailBody): MyMail {
    this.#store.tx(() => {
      if (body.email !== undefined) this.setAddress(who.caseId, who.participantId, body.email);
      if (body.mailsOn !== undefined) {
        this.#row(who.caseId, who.participantId);
        this.#db.setOptedOut(who.participantId, body.mailsOn ? null : new Date().toISOString());
      }
    });
    return this.forInvitee(who);
  }

  /** The link in a mail: mails off for that person. An unknown token is refused the same way whatever it is. */
  unsubscribe(token: string): void {
    const row = this.#db.byUnsubscribeHash(this.#keys.hashHex(token));
    if (!row) throw new ParleyError(ErrorCode.LinkInvalid, 'This link to stop e-mails is not valid. You can turn e-mails off on your Parley page.');
    if (!row.opted_out_at) this.#db.setOptedOut(row.participant_id, new Date().toISOString());
  }

  setAddress(caseId: string, participantId: string, email: string | null): void {
    this.#row(caseId, participantId);
    this.#db.setAddress(participantId, email === null ? null : this.#cases.sealForCase(caseId, email));
  }

  /** Where to mail this person, or null: no address, mails turned off, or no longer on the case. */
  deliverable(participantId: string): Deliverable | null {
    const r = this.#db.recipient(participantId);
    if (!r?.address_sealed || r.opted_out_at) return null;
    const p = this.#store.getParticipant(participantId);
    if (!p || p.removed_at || p.role === 'mediator') return null;
    const token = this.#cases.openForCase(r.case_id, r.unsubscribe_sealed);
    return {
      caseId: r.case_id,
      participantId,
      role: p.role,
      side: p.side,
      address: this.#cases.openForCase(r.case_id, r.address_sealed),
      unsubscribeUrl: `${this.#baseUrl()}/unsubscribe#t=${token}`,
    };
  }

  /** Everyone on the case whom a mail can reach. */
  deliverablesOf(caseId: string): Deliverable[] {
    return this.#db.recipientsOf(caseId).flatMap((r) => this.deliverable(r.participant_id) ?? []);
  }

  #settings(r: RecipientRow | undefined): { email: string | null; mailsOn: boolean } {
    return { email: r?.address_sealed ? this.#cases.openForCase(r.case_id, r.address_sealed) : null, mailsOn: !r?.opted_out_at };
  }

  /** The person's row, made with their unsubscribe token the first time. */
  #row(caseId: string, participantId: string): RecipientRow {
    const found = this.#db.recipient(participantId);
    if (found) return found;
    const token = randomId(32);
    const row: RecipientRow = {
      participant_id: participantId,
      case_id: caseId,
      address_sealed: null,
      opted_out_at: null,
      unsubscribe_sealed: this.#cases.sealForCase(caseId, token),
      unsubscribe_hash: this.#keys.hashHex(token),
      digest_count: 0,
      digest_since: null,
    };
    this.#db.insertRecipient(row);
    return row;
  }
}
