import crypto from 'node:crypto';
import _sodium from 'libsodium-wrappers';
import { canonicalJson, firstIssue, GENESIS_HASH, RecordExportFile, type RecordBody, type RecordEntry, type RecordExport, type RecordVerifyReport } from '@parley/shared';

export const hashBody = (body: RecordBody): string => crypto.createHash('sha256').update(canonicalJson(body), 'utf8').digest('hex');

/** Only the fields of RecordBody are hashed, whatever else an entry object carries. */
export function bodyOf(e: RecordEntry): RecordBody {
  return { v: e.v, caseId: e.caseId, seq: e.seq, at: e.at, type: e.type, actor: e.actor, data: e.data, prevHash: e.prevHash };
}

/**
 * Checks a record: numbering from 1 without gaps, each entry chained to the previous hash, each
 * hash recomputed from the entry, each signature valid for the trusted key. Reports the first
 * entry where each kind of damage shows (removed, reordered, altered, forged).
 */
export async function verifyRecord(file: unknown, trustedPublicKey?: string): Promise<RecordVerifyReport> {
  await _sodium.ready;
  const s = _sodium;
  const problems: string[] = [];
  // Anyone can upload anything here: check the shape first, then work on the file as uploaded
  // (a stripped copy could hide an added field from the hash check).
  const shape = RecordExportFile.safeParse(file);
  if (!shape.success) {
    return { valid: false, entries: 0, problems: ['This is not a Parley session record file, or it was damaged.', `What does not fit: ${firstIssue(shape.error)}.`] };
  }
  const exp = file as RecordExport;
  if (trustedPublicKey && exp.publicKey !== trustedPublicKey) problems.push('The record was signed with a key that is not this platform’s key.');
  let pk: Uint8Array | undefined;
  try {
    pk = s.from_base64(trustedPublicKey ?? exp.publicKey, s.base64_variants.URLSAFE_NO_PADDING);
  } catch {
    problems.push('The signing key is damaged.');
  }
  let prev = GENESIS_HASH;
  exp.entries.forEach((e, i) => {
    const n = i + 1;
    if (e.seq !== n) problems.push(`Entry ${n}: numbered ${e.seq}; an entry was removed, added or moved.`);
    if (e.prevHash !== prev) problems.push(`Entry ${n}: does not follow the entry before it (removed or reordered entries).`);
    if (e.caseId !== exp.caseId) problems.push(`Entry ${n}: belongs to another case.`);
    let hash = '';
    try {
      hash = hashBody(bodyOf(e));
    } catch {
      problems.push(`Entry ${n}: unreadable.`);
    }
    if (hash !== e.hash) problems.push(`Entry ${n}: its content was changed after it was recorded.`);
    let signed = false;
    try {
      signed = !!pk && s.crypto_sign_verify_detached(s.from_base64(e.signature, s.base64_variants.URLSAFE_NO_PADDING), s.from_string(e.hash), pk);
    } catch {
      signed = false;
    }
    if (!signed) problems.push(`Entry ${n}: its signature does not verify.`);
    prev = e.hash;
  });
  return { valid: problems.length === 0, entries: exp.entries.length, problems };
}
