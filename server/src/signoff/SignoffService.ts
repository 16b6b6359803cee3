import crypto from 'node:crypto';
import { AGREEMENT_EXPORT_FORMAT, agreementStatusOf, canonicalJson, ErrorCode, mustSign, ParleyError, type AgreementStatus, type AgreementVersionView, type CaseSummary, type SignatureRecord } from '@parley/shared';
import type { CaseService, Identity } from '../domain/CaseService.ts';
import type { Keyring } from '../crypto/Keyring.ts';
import type { Store } from '../store/Store.ts';
import type { RecordSink } from '../record/SessionRecord.ts';
import type { EventBus } from '../events/EventBus.ts';
import type { Logger } from '../logger.ts';
import { exportManifest, type ExportData } from './exportHtml.ts';
import { randomId } from '../crypto/randomId.ts';
import { SignoffStore, type SignatureRow, type VersionRow } from './SignoffStore.ts';

export interface AgreementSource {
  snapshotText(caseId: string): Promise<{ text: string; hash: string }>;
}

export interface SignedVersion {
  view: AgreementVersionView;
  caseTitle: string;
  records: Array<{ record: SignatureRecord; signature: string }>;
}

const actorOf = (i: Identity) => ({ id: i.participantId, displayName: i.displayName, role: i.role });

export const sha256Hex = (text: string): string => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Freezing, signing and voiding agreement versions. The signature is the server's Ed25519
 * signature over the canonical record (the parties hold no keys); it proves that this platform
 * recorded that person's acceptance of the text with that hash at that time.
 */
export class SignoffService {
  readonly #db: SignoffStore;
  readonly #cases: CaseService;
  readonly #keys: Keyring;
  readonly #source: AgreementSource;
  readonly #record: RecordSink | undefined;
  /**
   * Where a frozen, signed or withdrawn version is announced, so the people in the live session
   * learn it at once (they may be editing the draft that the frozen version came from).
   */
  readonly #bus: EventBus;
  readonly #logger: Logger;
  /**
   * Cases whose newest version is voided or that have none: an edit of their draft has nothing to
   * void until the next freeze. The check runs after every keystroke's relay (the draft hub's
   * 'changed'), where a query per keystroke cost the server's event loop as much as applying the
   * keystroke. Only those two states are kept: they change only through freeze(). A version
   * signed by everyone is not kept, since adding a party makes it incomplete again.
   */
  readonly #nothingToVoid = new Set<string>();
  /**
   * Counts freezes: an edit's check that started before a freeze committed read the old state, so
   * its "nothing to void" is not kept (the edit after the freeze must find the new version).
   */
  #freezes = 0;
  /** Reactions to draft edits still running (settled). */
  readonly #reactions = new Set<Promise<void>>();
  /** The edits of each case's draft heard here so far, numbered in the order heard. */
  readonly #edits = new Map<string, number>();
  /**
   * Each case's newest version frozen here and the last edit its text holds. An edit's check may
   * read the versions only after a freeze that followed the edit committed (on Postgres the check
   * is a round trip away): the edit is in that version's text, so it voids nothing.
   */
  readonly #frozenWith = new Map<string, { versionId: string; edit: number }>();

  constructor(store: Store, cases: CaseService, keys: Keyring, deps: { source: AgreementSource; bus: EventBus; logger: Logger; record?: RecordSink }) {
    this.#db = new SignoffStore(store.kysely);
    this.#cases = cases;
    this.#keys = keys;
    this.#source = deps.source;
    this.#bus = deps.bus;
    this.#logger = deps.logger;
    this.#record = deps.record;
  }

  /** An edit of the agreement draft voids a frozen version that is not signed by everyone yet. */
  subscribe(bus: EventBus): () => void {
    return bus.on('draft.edited', ({ caseId }) => {
      const edit = (this.#edits.get(caseId) ?? 0) + 1;
      this.#edits.set(caseId, edit);
      const reaction = this.draftChanged(caseId, edit).then(
        (voided) => {
          if (voided) this.#logger.info({ caseId }, 'draft edited after freeze: pending signatures voided');
        },
        (err: unknown) => this.#logger.error({ caseId, err }, 'draft edited after freeze: pending signatures could not be voided'),
      );
      this.#reactions.add(reaction);
      void reaction.finally(() => this.#reactions.delete(reaction));
    });
  }

  /** Resolves when every reaction to a draft edit heard so far is done (a failure is logged, never thrown). */
  async settled(): Promise<void> {
    while (this.#reactions.size > 0) await Promise.all(this.#reactions);
  }

  async freeze(mediator: Identity): Promise<AgreementVersionView> {
    // Every edit heard so far is in the draft the snapshot reads (an edit is heard as it is applied).
    const edit = this.#edits.get(mediator.caseId) ?? 0;
    const snap = await this.#source.snapshotText(mediator.caseId);
    if (!snap.text.trim()) throw new ParleyError(ErrorCode.Conflict, 'The agreement draft is empty: there is nothing to freeze yet.');
    if (snap.hash !== sha256Hex(snap.text)) throw new ParleyError(ErrorCode.Internal, 'Draft snapshot hash mismatch.');
    const at = new Date().toISOString();
    const id = randomId(12);
    // Sealed before the transaction, whose body awaits only its own queries.
    const textSealed = await this.#cases.sealForCase(mediator.caseId, snap.text);
    // Known before the commit, for the checks of edits that read the new version.
    this.#frozenWith.set(mediator.caseId, { versionId: id, edit });
    await this.#db.transaction(async (db) => {
      await db.lockCase(mediator.caseId);
      const current = await db.current(mediator.caseId);
      if (current && !current.voided_at && !complete(await db.signerIds(current.case_id), await db.signatures(current.id))) await db.void(current.id, 'A new version was frozen.', at);
      await db.insertNext({ id, case_id: mediator.caseId, text_sealed: textSealed, text_hash: snap.hash, frozen_at: at, frozen_by: mediator.participantId });
    });
    // From now on an edit voids this version.
    this.#freezes++;
    this.#nothingToVoid.delete(mediator.caseId);
    const view = (await this.view(mediator.caseId))!;
    await this.#record?.append(mediator.caseId, 'agreement.frozen', actorOf(mediator), { version: view.version, textHash: view.textHash });
    await this.#changed(mediator.caseId);
    return view;
  }

  /** The newest version without its text (what the live session is told). */
  async status(caseId: string): Promise<AgreementStatus | null> {
    return agreementStatusOf(await this.view(caseId));
  }

  /** The newest version, as everyone sees it. */
  async view(caseId: string): Promise<AgreementVersionView | null> {
    const v = await this.#db.current(caseId);
    return v ? this.#view(v, await this.#db.signatures(v.id)) : null;
  }

  /** Where the newest version stands, without opening its text (the mediator's case list). */
  /** The versions a person signed, oldest first (their data download). */
  signedBy(participantId: string): Promise<Array<{ version: number; signed_at: string; text_hash: string }>> {
    return this.#db.signedBy(participantId);
  }

  async summary(caseId: string): Promise<CaseSummary['agreement']> {
    const v = await this.#db.current(caseId);
    if (!v) return null;
    const [signerIds, sigs] = await Promise.all([this.#db.signerIds(v.case_id), this.#db.signatures(v.id)]);
    return { version: v.version, status: v.voided_at ? 'voided' : complete(signerIds, sigs) ? 'signed' : 'awaiting-signatures', ...progress(signerIds, sigs) };
  }

  async sign(who: Identity, versionId: string, textHash: string): Promise<AgreementVersionView> {
    if (!mustSign(who.role)) throw new ParleyError(ErrorCode.Forbidden, 'Only the parties sign the agreement.');
    // The checks and the signature in one transaction: the version cannot be withdrawn in between.
    // The record is sealed in it with the case key, read before (the body awaits only its queries).
    const key = await this.#cases.caseKey(who.caseId);
    const v = await this.#db.transaction(async (db) => {
      await db.lockCase(who.caseId);
      const v = await db.current(who.caseId);
      this.#checkSignable(v, versionId, textHash);
      const signedAt = new Date().toISOString();
      const record: SignatureRecord = {
        v: 1,
        type: 'parley.agreement-signature',
        caseId: who.caseId,
        versionId: v.id,
        version: v.version,
        textHash: v.text_hash,
        participantId: who.participantId,
        displayName: who.displayName,
        role: who.role,
        signedAt,
      };
      const s = this.#keys.sodium;
      const signature = s.to_base64(this.#keys.signDetached(s.from_string(canonicalJson(record))), s.base64_variants.URLSAFE_NO_PADDING);
      const added = await db.insertSignature({ version_id: v.id, participant_id: who.participantId, record_sealed: this.#keys.sealText(key, canonicalJson(record)), signature, signed_at: signedAt });
      if (!added) throw new ParleyError(ErrorCode.Conflict, 'You have already signed this version.');
      return v;
    });
    // After the commit (as before: the record keeps its own chain).
    await this.#record?.append(who.caseId, 'agreement.signed', actorOf(who), { version: v.version, textHash: v.text_hash });
    await this.#changed(who.caseId);
    return this.#view(v, await this.#db.signatures(v.id));
  }

  #checkSignable(v: VersionRow | undefined, versionId: string, textHash: string): asserts v is VersionRow {
    if (!v || v.id !== versionId) throw new ParleyError(ErrorCode.Conflict, 'This version is no longer the current one. Please review the latest version.');
    if (v.voided_at) throw new ParleyError(ErrorCode.Conflict, `This version was withdrawn: ${v.void_reason ?? 'the draft changed'}. Please review the new version.`);
    if (v.text_hash !== textHash) throw new ParleyError(ErrorCode.Conflict, 'The text you reviewed is not the frozen text. Please review it again.');
  }

  /**
   * Any edit of the draft before every party signed voids the frozen version and its signatures.
   * Returns whether this edit voided it (of edits at once, one does). `edit` is its number as heard
   * (subscribe): a version frozen with that edit in its text is not voided by it.
   */
  async draftChanged(caseId: string, edit?: number): Promise<boolean> {
    if (this.#nothingToVoid.has(caseId)) return false;
    const freezes = this.#freezes;
    // The check and the void in one transaction: a last signature cannot land in between.
    const voided = await this.#db.transaction(async (db) => {
      await db.lockCase(caseId);
      const v = await db.current(caseId);
      if (!v || v.voided_at) return 'nothing' as const;
      const frozen = this.#frozenWith.get(caseId);
      if (edit !== undefined && frozen?.versionId === v.id && edit <= frozen.edit) return null;
      if (complete(await db.signerIds(v.case_id), await db.signatures(v.id))) return null;
      return (await db.void(v.id, 'The draft was edited after it was frozen.', new Date().toISOString())) ? v : null;
    });
    if (voided === 'nothing') {
      if (freezes === this.#freezes) this.#nothingToVoid.add(caseId);
      return false;
    }
    if (!voided) return false;
    await this.#record?.append(caseId, 'agreement.voided', null, { version: voided.version, reason: 'edited after freeze' });
    await this.#changed(caseId);
    return true;
  }

  /** Everything the export needs: the text, the signers and each signed record. */
  async signedVersion(caseId: string): Promise<SignedVersion | null> {
    const v = await this.#db.current(caseId);
    if (!v) return null;
    const sigs = await this.#db.signatures(v.id);
    const key = await this.#cases.caseKey(caseId);
    return {
      view: await this.#view(v, sigs),
      caseTitle: await this.#cases.caseTitle(caseId),
      records: sigs.map((row) => ({ record: JSON.parse(this.#keys.openText(key, row.record_sealed)) as SignatureRecord, signature: row.signature })),
    };
  }

  /**
   * The data of the downloadable file, sealed: the server signs its manifest (status, who had to
   * sign with their role, the hashes of the signature records, the verify page), so a partly signed
   * file cannot be edited into one that claims every signature.
   */
  async exportData(caseId: string, verifyUrl: string): Promise<ExportData | null> {
    const v = await this.signedVersion(caseId);
    if (!v) return null;
    const s = this.#keys.sodium;
    const unsealed: Omit<ExportData, 'serverSignature'> = {
      format: AGREEMENT_EXPORT_FORMAT,
      caseTitle: v.caseTitle,
      version: v.view.version,
      frozenAt: v.view.frozenAt,
      text: v.view.text,
      textHash: v.view.textHash,
      publicKey: s.to_base64(this.#keys.signPublicKey, s.base64_variants.URLSAFE_NO_PADDING),
      status: v.view.status,
      unsigned: v.view.signers.filter((p) => !p.signedAt).map((p) => p.displayName),
      signatures: v.records,
      signers: v.view.signers.map((p) => ({ participantId: p.participantId, displayName: p.displayName, role: p.role })),
      verifyUrl,
    };
    const serverSignature = s.to_base64(this.#keys.signDetached(s.from_string(canonicalJson(exportManifest(unsealed, sha256Hex)))), s.base64_variants.URLSAFE_NO_PADDING);
    return { ...unsealed, serverSignature };
  }

  async #changed(caseId: string): Promise<void> {
    this.#bus.emit('agreement.changed', { caseId, current: await this.status(caseId) });
  }

  async #view(v: VersionRow, signatures: SignatureRow[]): Promise<AgreementVersionView> {
    const sigs = new Map(signatures.map((s) => [s.participant_id, s.signed_at]));
    const signers = (await this.#cases.people(v.case_id)).filter((p) => mustSign(p.role));
    const done = complete(signers.map((p) => p.id), signatures);
    return {
      id: v.id,
      version: v.version,
      text: await this.#cases.openForCase(v.case_id, v.text_sealed),
      textHash: v.text_hash,
      frozenAt: v.frozen_at,
      status: v.voided_at ? 'voided' : done ? 'signed' : 'awaiting-signatures',
      voidedAt: v.voided_at,
      voidReason: v.void_reason,
      signers: signers.map((p) => ({ participantId: p.id, displayName: p.displayName, role: p.role, signedAt: sigs.get(p.id) ?? null })),
    };
  }
}

/** How many of those who must sign (`signerIds`, SignoffStore.signerIds) signed the version (`sigs`: its signatures). */
function progress(signerIds: string[], sigs: SignatureRow[]): { signedCount: number; signerCount: number } {
  const signed = new Set(sigs.map((s) => s.participant_id));
  return { signedCount: signerIds.filter((id) => signed.has(id)).length, signerCount: signerIds.length };
}

function complete(signerIds: string[], sigs: SignatureRow[]): boolean {
  const { signedCount, signerCount } = progress(signerIds, sigs);
  return signerCount > 0 && signedCount === signerCount;
}
