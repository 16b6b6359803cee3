import crypto from 'node:crypto';
import _sodium from 'libsodium-wrappers';
import { AgreementExportFile, canonicalJson, firstIssue, type VerifyReport } from '@parley/shared';
import { keyFingerprint, renderExport, type ExportData } from './exportHtml.ts';

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
  if (problems.length === 0 && renderExport(d, fingerprint) !== html) {
    problems.push('The document was altered outside the signed data (text, names, dates or layout differ from what was exported).');
  }
  if (d.status !== 'signed') problems.push(d.status === 'voided' ? 'This version was voided and is not an agreement.' : 'Not every party has signed this version.');
  return { valid: problems.length === 0, problems, signatures, textHash: d.textHash, serverKeyFingerprint: fingerprint };
}
