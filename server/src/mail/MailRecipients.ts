import { ErrorCode, ParleyError, type CaseMail, type MyMail, type MyMailBody, type Role } from '@parley/shared';
import type { CaseService, Identity } from '../domain/CaseService.ts';
import type { Keyring } from '../crypto/Keyring.ts';
import type { EventBus } from '../events/EventBus.ts';
import type { Logger } from '../logger.ts';
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
  readonly #logger: Logger;
  readonly #available: boolean;
  readonly #baseUrl: () => string;
  /** Addresses given with new people, stored one after the other; reads wait for them (MailNotices too). */
  #writes: Promise<void> = Promise.resolve();

  constructor(store: Store, cases: CaseService, keys: Keyring, logger: Logger, opts: { available: boolean; baseUrl: () => string }) {
    this.#db = new MailStore(store.kysely);
    this.#store = store;
    this.#cases = cases;
    this.#keys = keys;
    this.#logger = logger;
    this.#available = opts.available;
    this.#baseUrl = opts.baseUrl;
  }

  /** The address given with a new person is stored before anything is mailed (MailNotices waits for `stored`). */
  subscribe(bus: EventBus): () => void {
    return bus.on('invitation.issued', (e) => {
      const email = e.email;
      if (!email) return;
      this.#writes = this.#writes
        .then(() => this.setAddress(e.caseId, e.participantId, email))
        .catch((err: unknown) => this.#logger.error({ err, caseId: e.caseId, participantId: e.participantId }, 'e-mail address not stored'));
    });
  }

  /** Resolves when every address announced on the bus so far is stored (or its failure logged). */
  stored(): Promise<void> {
    return this.#writes;
  }

  async forMediator(mediatorId: string, caseId: string): Promise<CaseMail> {
    await this.#cases.mediatorIdentity(mediatorId, caseId);
    await this.stored();
    const rows = new Map((await this.#db.recipientsOf(caseId)).map((r) => [r.participant_id, r]));
    const people: CaseMail['people'] = [];
    for (const p of await this.#cases.roster(caseId)) if (p.role !== 'mediator') people.push({ participantId: p.id, ...(await this.#settings(rows.get(p.id))) });
    return { available: this.#available, people };
  }

  /** The mediator's correction; a person who turned mails off stays off (a new address is no consent to mails). */
  async setByMediator(mediatorId: string, caseId: string, participantId: string, email: string | null): Promise<CaseMail> {
    await this.#cases.mediatorIdentity(mediatorId, caseId);
    const p = (await this.#cases.roster(caseId)).find((x) => x.id === participantId);
    if (!p || p.role === 'mediator') throw new ParleyError(ErrorCode.NotFound, 'No such participant.');
    await this.stored();
    await this.setAddress(caseId, participantId, email);
    return this.forMediator(mediatorId, caseId);
  }

  async forInvitee(who: Identity): Promise<MyMail> {
    await this.stored();
    return { available: this.#available, ...(await this.#settings(await this.#db.recipient(who.participantId))) };
  }

  async setMine(who: Identity, body: MyMailBody): Promise<MyMail> {
    await this.stored();
    // Sealed before the transaction, whose body only awaits its own queries.
    const fresh = await this.#newRow(who.caseId, who.participantId);
    const address = body.email === undefined ? undefined : await this.#sealAddress(who.caseId, body.email);
    await this.#db.transaction(async (db) => {
      if (address !== undefined) {
        await db.insertRecipientIfMissing(fresh);
        await db.setAddress(who.participantId, address);
      }
      if (body.mailsOn !== undefined) {
        await db.insertRecipientIfMissing(fresh);
        await db.setOptedOut(who.participantId, body.mailsOn ? null : new Date().toISOString());
      }
    });
    return this.forInvitee(who);
  }

  /** The link in a mail: mails off for that person. An unknown token is refused the same way whatever it is. */
  async unsubscribe(token: string): Promise<void> {
    const row = await this.#db.byUnsubscribeHash(this.#keys.hashHex(token));
    if (!row) throw new ParleyError(ErrorCode.LinkInvalid, 'This link to stop e-mails is not valid. You can turn e-mails off on your Parley page.');
    if (!row.opted_out_at) await this.#db.setOptedOut(row.participant_id, new Date().toISOString());
  }

  async setAddress(caseId: string, participantId: string, email: string | null): Promise<void> {
    const fresh = await this.#newRow(caseId, participantId);
    const address = await this.#sealAddress(caseId, email);
    await this.#db.insertRecipientIfMissing(fresh);
    await this.#db.setAddress(participantId, address);
  }

  /** Where to mail this person, or null: no address, mails turned off, or no longer on the case. */
  async deliverable(participantId: string): Promise<Deliverable | null> {
    return this.#deliverable(await this.#db.recipient(participantId));
  }

  /** Everyone on the case whom a mail can reach. */
  async deliverablesOf(caseId: string): Promise<Deliverable[]> {
    const out: Deliverable[] = [];
    for (const r of await this.#db.recipientsOf(caseId)) {
      const d = await this.#deliverable(r);
      if (d) out.push(d);
    }
    return out;
  }

  async #deliverable(r: RecipientRow | undefined): Promise<Deliverable | null> {
    if (!r?.address_sealed || r.opted_out_at) return null;
    const p = await this.#store.getParticipant(r.participant_id);
    if (!p || p.removed_at || p.role === 'mediator') return null;
    const token = await this.#cases.openForCase(r.case_id, r.unsubscribe_sealed);
    return {
      caseId: r.case_id,
      participantId: r.participant_id,
      role: p.role,
      side: p.side,
      address: await this.#cases.openForCase(r.case_id, r.address_sealed),
      unsubscribeUrl: `${this.#baseUrl()}/unsubscribe#t=${token}`,
    };
  }

  async #settings(r: RecipientRow | undefined): Promise<{ email: string | null; mailsOn: boolean }> {
    return { email: r?.address_sealed ? await this.#cases.openForCase(r.case_id, r.address_sealed) : null, mailsOn: !r?.opted_out_at };
  }

  async #sealAddress(caseId: string, email: string | null): Promise<string | null> {
    return email === null ? null : this.#cases.sealForCase(caseId, email);
  }

  /** The row a person gets the first time (with their unsubscribe token); kept as it is when they have one. */
  async #newRow(caseId: string, participantId: string): Promise<RecipientRow> {
    const token = randomId(32);
    return {
      participant_id: participantId,
      case_id: caseId,
      address_sealed: null,
      opted_out_at: null,
      unsubscribe_sealed: await this.#cases.sealForCase(caseId, token),
      unsubscribe_hash: this.#keys.hashHex(token),
      digest_count: 0,
      digest_since: null,
    };
  }
}
