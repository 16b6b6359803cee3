import { escapeHtml, AGREEMENT_EXPORT_FORMAT, canonicalJson, renderAgreementHtml, roleLabel, type Role, type SignatureRecord } from '@parley/shared';

/** Someone whose signature the agreement needs. */
export interface ExportSigner {
  participantId: string;
  displayName: string;
  role: Role;
}

/** Everything a signed export carries; the HTML is a pure function of it (see verify.ts). */
export interface ExportData {
  format: typeof AGREEMENT_EXPORT_FORMAT;
  caseTitle: string;
  version: number;
  frozenAt: string;
  text: string;
  textHash: string;
  /** The server's Ed25519 public key, base64url. Compare its fingerprint with the platform's. */
  publicKey: string;
  status: 'awaiting-signatures' | 'signed' | 'voided';
  unsigned: string[];
  signatures: Array<{ record: SignatureRecord; signature: string }>;
  /**
   * The seal: all who had to sign, the platform's verify page, and the server's Ed25519 signature
   * (base64url) over `exportManifest` of this data, which covers the status and the unsigned list.
   */
  signers: ExportSigner[];
  verifyUrl: string;
  serverSignature: string;
}

/**
 * What the server signs for an export: every field shown in the file except the text (its hash is
 * here) and the signature records (their SHA-256 hashes are here, and each record has its own
 * signature). `type` keeps this signature from being taken for any other the server makes.
 */
export function exportManifest(d: Omit<ExportData, 'serverSignature'>, sha256: (s: string) => string): Record<string, unknown> {
  return {
    v: 1,
    type: 'parley.agreement-export-manifest',
    format: d.format,
    caseTitle: d.caseTitle,
    version: d.version,
    frozenAt: d.frozenAt,
    textHash: d.textHash,
    publicKey: d.publicKey,
    status: d.status,
    unsigned: d.unsigned,
    signers: d.signers.map((s) => ({ participantId: s.participantId, displayName: s.displayName, role: s.role })),
    signatureRecords: d.signatures.map(({ record }) => sha256(canonicalJson(record))),
    verifyUrl: d.verifyUrl,
  };
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * "5 December 2026, 14:03 UTC": always UTC and always English month names, without Intl, so that
 * every machine that re-renders the file for verification writes the same bytes.
 */
export function formatUtc(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${two(d.getUTCHours())}:${two(d.getUTCMinutes())} UTC`;
}

const labelOf = (role: string): string => (Object.hasOwn(roleLabel, role) ? roleLabel[role as Role] : role);


/** Human-checkable code: the first 80 bits of the text hash in groups of four. */
export const verificationCode = (textHash: string): string => (textHash.slice(0, 20).match(/.{4}/g) ?? []).join('-');

export const keyFingerprint = (publicKeyB64: string, sha256: (s: string) => string): string => (sha256(publicKeyB64).slice(0, 16).match(/.{4}/g) ?? []).join(':');

/**
 * A printable, self-contained HTML file: the agreement as a formatted document (from the signed
 * text, by the shared renderer), the signature block, how to check the file, and the signed data
 * as JSON. Rendering is deterministic, so verification can re-render the JSON and compare byte for
 * byte: any change anywhere in the file is detected.
 */
export function renderExport(d: ExportData, fingerprint: string): string {
  const status =
    d.status === 'signed' ? 'Signed by every party.' : d.status === 'voided' ? 'WITHDRAWN: this version was voided and is not an agreement.' : `Not yet signed by: ${d.unsigned.join(', ')}.`;
  const signedIds = new Set(d.signatures.map(({ record }) => record.participantId));
  const rows = [
    ...d.signatures.map(({ record }) => `<tr><td>${escapeHtml(record.displayName)}</td><td>${escapeHtml(labelOf(record.role))}</td><td>${escapeHtml(formatUtc(record.signedAt))}</td></tr>`),
    ...d.signers.filter((s) => !signedIds.has(s.participantId)).map((s) => `<tr><td>${escapeHtml(s.displayName)}</td><td>${escapeHtml(labelOf(s.role))}</td><td>Not signed</td></tr>`),
  ].join('\n');
  // Linked only when it is a web address; written out in full so it can be typed from a printout.
  const verifyPage = !d.verifyUrl
    ? 'the verify page of the platform that made it'
    : /^https?:\/\//i.test(d.verifyUrl)
      ? `<a href="${escapeHtml(d.verifyUrl)}">${escapeHtml(d.verifyUrl)}</a>`
      : escapeHtml(d.verifyUrl);
  const json = JSON.stringify(d).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Agreement: ${escapeHtml(d.caseTitle)} (version ${d.version})</title>
<style>
body { font: 16px/1.5 Georgia, 'DejaVu Serif', serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #111; }
.agreement { white-space: pre-wrap; overflow-wrap: anywhere; border-top: 1px solid #999; border-bottom: 1px solid #999; padding: 1rem 0; }
.agreement h2, .agreement h3, .agreement h4, .agreement h5, .agreement h6 { margin: 1rem 0 .5rem; line-height: 1.25; }
.agreement p, .agreement ul, .agreement ol { margin: 0 0 .75rem; }
.agreement li > ul, .agreement li > ol, .agreement li > p { margin: .25rem 0; }
table { border-collapse: collapse; width: 100%; } td, th { border: 1px solid #999; padding: .3rem .5rem; text-align: left; }
.meta, .note { color: #333; font-size: .9rem; } code { font-size: 1rem; }
@media print { .note { page-break-inside: avoid; } a { color: inherit; } }
</style>
</head>
<body>
<h1>${escapeHtml(d.caseTitle)}</h1>
<p class="meta">Agreement, version ${d.version}, frozen on ${escapeHtml(formatUtc(d.frozenAt))}. ${escapeHtml(status)}</p>
<p class="meta">Verification code: <code>${verificationCode(d.textHash)}</code></p>
<div class="agreement" id="agreement-text">${renderAgreementHtml(d.text, { headingOffset: 1 })}</div>
<h2>Signatures</h2>
<table>
<tr><th>Name</th><th>Role</th><th>Signed</th></tr>
${rows}
</table>
<p class="note">To check this document is unaltered, open ${verifyPage} and choose this file. Any change to this file,
however small, makes the check fail.</p>
<p class="note">Each signature was made by the platform over a record of who accepted the text with this verification
code, and when; the platform also signed the status and the list of who had to sign. Platform key fingerprint:
<code>${fingerprint}</code>.</p>
<script type="application/json" id="parley-agreement">${json}</script>
</body>
</html>
`;
}
