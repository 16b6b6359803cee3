import crypto from 'node:crypto';
import _sodium from 'libsodium-wrappers';
import { AGREEMENT_EXPORT_FORMAT, AgreementExportFile, canonicalJson, firstIssue, type VerifyReport } from '@parley/shared';
import { exportManifest, keyFingerprint, renderExport, type ExportData } from './exportHtml.ts';

const sha256 = (s: string) => crypto.createHash('sha256').update(s, 'utf8').digest('hex');

/**
 * Checks an exported agreement file. With `trustedPublicKey` (the platform's key) a file re-signed
 * with another key is refused; without it, the embedded key is used and the report says so.
 */
export async function verifyExport(html: string, trustedPublicKey?: string): Promise<VerifyReport> {
  await _sodium.ready;
  const s = _sodium;
  const problems: string[] = [];
  const notParley = (detail?: string): VerifyReport => ({
    valid: false,
    problems: ['This is not a Parley agreement file, or its signed data was damaged.', ...(detail ? [`What does not fit: ${detail}.`] : [])],
    signatures: [],
    textHash: null,
    serverKeyFingerprint: null,
  });
  const m = /<script type="application\/json" id="parley-agreement">([\s\S]*?)<\/script>/.exec(html);
  if (!m) return notParley();
  let raw: unknown;
  try {
    raw = JSON.parse(m[1]!);
  } catch {
    return notParley('the signed data is not readable JSON');
  }
  // Format 1 had no seal over the status and the list of signers, so it cannot show who signed.
  if (typeof raw === 'object' && raw !== null && (raw as { format?: unknown }).format === 'parley.agreement-export/1') {
    return {
      ...notParley(),
      problems: ['This file was made by an older version of the platform, which did not sign the list of who had to sign. Ask the mediator for a new download.'],
    };
  }
  // Checked for shape, then used as parsed: the re-render below must see the file's own fields and order.
  const shape = AgreementExportFile.safeParse(raw);
  if (!shape.success) return notParley(firstIssue(shape.error));
  const d = raw as ExportData;
  const fingerprint = keyFingerprint(d.publicKey, sha256);
  if (trustedPublicKey && trustedPublicKey !== d.publicKey) problems.push('The file was signed with a key that is not this platform’s key.');
  if (sha256(d.text) !== d.textHash) problems.push('The agreement text does not match its verification code: the text was changed.');
  let pk: Uint8Array | undefined;
  try {
    pk = s.from_base64(d.publicKey, s.base64_variants.URLSAFE_NO_PADDING);
  } catch {
    problems.push('The signing key in the file is damaged.');
  }
  const signatures = d.signatures.map(({ record, signature }) => {
    let ok = false;
    try {
      ok = !!pk && record.textHash === d.textHash && s.crypto_sign_verify_detached(s.from_base64(signature, s.base64_variants.URLSAFE_NO_PADDING), s.from_string(canonicalJson(record)), pk);
    } catch {
      ok = false;
    }
    if (!ok) problems.push(`The signature of ${record.displayName} does not verify: the record was altered or forged.`);
    return { displayName: record.displayName, signedAt: record.signedAt, valid: ok };
  });
  // The status line and who has not signed are not in any party's record: the server's seal over
  // the whole manifest covers them, so a partly signed file cannot be made to read "signed".
  let sealed = false;
  try {
    sealed = !!pk && s.crypto_sign_verify_detached(s.from_base64(d.serverSignature, s.base64_variants.URLSAFE_NO_PADDING), s.from_string(canonicalJson(exportManifest(d, sha256))), pk);
  } catch {
    sealed = false;
  }
  if (!sealed) problems.push('The status, the list of who had to sign or the set of signatures was changed after the platform made this file.');
  const signedIds = new Set(d.signatures.map(({ record }) => record.participantId));
  const waiting = d.signers.filter((p) => !signedIds.has(p.participantId)).map((p) => p.displayName);
  if (canonicalJson(waiting) !== canonicalJson(d.unsigned) || (d.status === 'signed' && (waiting.length > 0 || d.signers.length === 0))) {
    problems.push('The file’s list of who has not signed does not match the signatures it contains.');
  }
  if (problems.length === 0 && renderExport(d, fingerprint) !== html) {
    problems.push('The document was altered outside the signed data (text, names, dates or layout differ from what was exported).');
  }
  if (d.status !== 'signed') problems.push(d.status === 'voided' ? 'This version was voided and is not an agreement.' : 'Not every party has signed this version.');
  return { valid: problems.length === 0, problems, signatures, textHash: d.textHash, serverKeyFingerprint: fingerprint };
}
