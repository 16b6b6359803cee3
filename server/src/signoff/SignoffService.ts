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

export interface AgreementSource {
  snapshotText(caseId: string): Promise<{ text: string; hash: string }>;
}

interface VersionRow {
  id: string;
  case_id: string;
  version: number;
  text_sealed: string;
  text_hash: string;
  frozen_at: string;
  frozen_by: string;
  voided_at: string | null;
  void_reason: string | null;
}
interface SignatureRow {
  version_id: string;
  participant_id: string;
  record_sealed: string;
  signature: string;
  signed_at: string;
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
  readonly #store: Store;
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

  constructor(store: Store, cases: CaseService, keys: Keyring, deps: { source: AgreementSource; bus: EventBus; logger: Logger; record?: RecordSink }) {
    this.#store = store;
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
      if (this.draftChanged(caseId)) this.#logger.info({ caseId }, 'draft edited after freeze: pending signatures voided');
    });
  }

  async freeze(mediator: Identity): Promise<AgreementVersionView> {
    const snap = await this.#source.snapshotText(mediator.caseId);
    if (!snap.text.trim()) throw new ParleyError(ErrorCode.Conflict, 'The agreement draft is empty: there is nothing to freeze yet.');
    if (snap.hash !== sha256Hex(snap.text)) throw new ParleyError(ErrorCode.Internal, 'Draft snapshot hash mismatch.');
    const current = this.#current(mediator.caseId);
    const at = new Date().toISOString();
    const id = randomId(12);
    this.#store.tx(() => {
      if (current && !current.voided_at && !this.#complete(current)) this.#void(current.id, 'A new version was frozen.', at);
      const next = ((this.#store.db.prepare('SELECT MAX(version) AS v FROM agreement_versions WHERE case_id = ?').get(mediator.caseId) as { v: number | null }).v ?? 0) + 1;
      this.#store.db
        .prepare('INSERT INTO agreement_versions (id, case_id, version, text_sealed, text_hash, frozen_at, frozen_by) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(id, mediator.caseId, next, this.#cases.sealForCase(mediator.caseId, snap.text), snap.hash, at, mediator.participantId);
    });
    // From now on an edit voids this version.
    this.#nothingToVoid.delete(mediator.caseId);
    const view = this.view(mediator.caseId)!;
    this.#record?.append(mediator.caseId, 'agreement.frozen', actorOf(mediator), { version: view.version, textHash: view.textHash });
    this.#changed(mediator.caseId);
    return view;
  }

  /** The newest version without its text (what the live session is told). */
  status(caseId: string): AgreementStatus | null {
    return agreementStatusOf(this.view(caseId));
  }

  /** The newest version, as everyone sees it. */
  view(caseId: string): AgreementVersionView | null {
    const v = this.#current(caseId);
    return v ? this.#view(v) : null;
  }

  /** Where the newest version stands, without opening its text (the mediator's case list). */
  summary(caseId: string): CaseSummary['agreement'] {
    const v = this.#current(caseId);
    if (!v) return null;
    return { version: v.version, status: v.voided_at ? 'voided' : this.#complete(v) ? 'signed' : 'awaiting-signatures', ...this.#progress(v) };
  }

  sign(who: Identity, versionId: string, textHash: string): AgreementVersionView {
    if (!mustSign(who.role)) throw new ParleyError(ErrorCode.Forbidden, 'Only the parties sign the agreement.');
    const v = this.#current(who.caseId);
    if (!v || v.id !== versionId) throw new ParleyError(ErrorCode.Conflict, 'This version is no longer the current one. Please review the latest version.');
    if (v.voided_at) throw new ParleyError(ErrorCode.Conflict, `This version was withdrawn: ${v.void_reason ?? 'the draft changed'}. Please review the new version.`);
    if (v.text_hash !== textHash) throw new ParleyError(ErrorCode.Conflict, 'The text you reviewed is not the frozen text. Please review it again.');
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
    const r = this.#store.db
      .prepare('INSERT OR IGNORE INTO agreement_signatures (version_id, participant_id, record_sealed, signature, signed_at) VALUES (?, ?, ?, ?, ?)')
      .run(v.id, who.participantId, this.#cases.sealForCase(who.caseId, canonicalJson(record)), signature, signedAt);
    if (Number(r.changes) === 0) throw new ParleyError(ErrorCode.Conflict, 'You have already signed this version.');
    this.#record?.append(who.caseId, 'agreement.signed', actorOf(who), { version: v.version, textHash: v.text_hash });
    this.#changed(who.caseId);
    return this.#view(v);
  }

  /** Any edit of the draft before every party signed voids the frozen version and its signatures. */
  draftChanged(caseId: string): boolean {
    if (this.#nothingToVoid.has(caseId)) return false;
    const v = this.#current(caseId);
    if (!v || v.voided_at) {
      this.#nothingToVoid.add(caseId);
      return false;
    }
    if (this.#complete(v)) return false;
    this.#void(v.id, 'The draft was edited after it was frozen.', new Date().toISOString());
    this.#record?.append(caseId, 'agreement.voided', null, { version: v.version, reason: 'edited after freeze' });
    this.#changed(caseId);
    return true;
  }

  /** Everything the export needs: the text, the signers and each signed record. */
  signedVersion(caseId: string): SignedVersion | null {
    const v = this.#current(caseId);
    if (!v) return null;
    return {
      view: this.#view(v),
      caseTitle: this.#cases.caseTitle(caseId),
      records: this.#signatures(v.id).map((row) => ({ record: JSON.parse(this.#cases.openForCase(caseId, row.record_sealed)) as SignatureRecord, signature: row.signature })),
    };
  }

  /**
   * The data of the downloadable file, sealed: the server signs its manifest (status, who had to
   * sign with their role, the hashes of the signature records, the verify page), so a partly signed
   * file cannot be edited into one that claims every signature.
   */
  exportData(caseId: string, verifyUrl: string): ExportData | null {
    const v = this.signedVersion(caseId);
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

  #changed(caseId: string): void {
    this.#bus.emit('agreement.changed', { caseId, current: this.status(caseId) });
  }

  #current(caseId: string): VersionRow | undefined {
    return this.#store.db.prepare('SELECT * FROM agreement_versions WHERE case_id = ? ORDER BY version DESC LIMIT 1').get(caseId) as VersionRow | undefined;
  }

  #signatures(versionId: string): SignatureRow[] {
    return this.#store.db.prepare('SELECT * FROM agreement_signatures WHERE version_id = ? ORDER BY signed_at').all(versionId) as unknown as SignatureRow[];
  }

  #void(versionId: string, reason: string, at: string): void {
    this.#store.db.prepare('UPDATE agreement_versions SET voided_at = ?, void_reason = ? WHERE id = ? AND voided_at IS NULL').run(at, reason, versionId);
  }

  #progress(v: VersionRow): { signedCount: number; signerCount: number } {
    const signed = new Set(this.#signatures(v.id).map((s) => s.participant_id));
    const needed = this.#cases.people(v.case_id).filter((p) => mustSign(p.role));
    return { signedCount: needed.filter((p) => signed.has(p.id)).length, signerCount: needed.length };
  }

  #complete(v: VersionRow): boolean {
    const { signedCount, signerCount } = this.#progress(v);
    return signerCount > 0 && signedCount === signerCount;
  }

  #view(v: VersionRow): AgreementVersionView {
    const sigs = new Map(this.#signatures(v.id).map((s) => [s.participant_id, s.signed_at]));
    const complete = this.#complete(v);
    return {
      id: v.id,
      version: v.version,
      text: this.#cases.openForCase(v.case_id, v.text_sealed),
      textHash: v.text_hash,
      frozenAt: v.frozen_at,
      status: v.voided_at ? 'voided' : complete ? 'signed' : 'awaiting-signatures',
      voidedAt: v.voided_at,
      voidReason: v.void_reason,
      signers: this.#cases
        .people(v.case_id)
        .filter((p) => mustSign(p.role))
        .map((p) => ({ participantId: p.id, displayName: p.displayName, role: p.role, signedAt: sigs.get(p.id) ?? null })),
    };
  }
}
