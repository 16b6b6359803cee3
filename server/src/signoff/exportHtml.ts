import type { SignatureRecord } from '@parley/shared';

/** Everything a signed export carries; the HTML is a pure function of it (see verify.ts). */
export interface ExportData {
  format: 'parley.agreement-export/1';
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
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Human-checkable code: the first 80 bits of the text hash in groups of four. */
export const verificationCode = (textHash: string): string => (textHash.slice(0, 20).match(/.{4}/g) ?? []).join('-');

export const keyFingerprint = (publicKeyB64: string, sha256: (s: string) => string): string => (sha256(publicKeyB64).slice(0, 16).match(/.{4}/g) ?? []).join(':');

/**
 * A printable, self-contained HTML file: the agreement text, the signature block, how to verify,
 * and the signed data as JSON. Rendering is deterministic, so verification can re-render the
 * JSON and compare byte for byte: any change anywhere in the file is detected.
 */
export function renderExport(d: ExportData, fingerprint: string): string {
  const status =
    d.status === 'signed' ? 'Signed by every party.' : d.status === 'voided' ? 'WITHDRAWN: this version was voided and is not an agreement.' : `Not yet signed by: ${d.unsigned.join(', ')}.`;
  const rows = d.signatures
    .map(({ record }) => `<tr><td>${esc(record.displayName)}</td><td>${esc(record.role)}</td><td>${esc(record.signedAt)}</td></tr>`)
    .join('\n');
  const json = JSON.stringify(d).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Agreement: ${esc(d.caseTitle)} (version ${d.version})</title>
<style>
body { font: 16px/1.5 Georgia, 'DejaVu Serif', serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #111; }
pre { white-space: pre-wrap; font: inherit; border-top: 1px solid #999; border-bottom: 1px solid #999; padding: 1rem 0; }
table { border-collapse: collapse; width: 100%; } td, th { border: 1px solid #999; padding: .3rem .5rem; text-align: left; }
.meta, .note { color: #333; font-size: .9rem; } code { font-size: 1rem; }
@media print { .note { page-break-inside: avoid; } }
</style>
</head>
<body>
<h1>${esc(d.caseTitle)}</h1>
<p class="meta">Agreement, version ${d.version}, frozen ${esc(d.frozenAt)} (UTC). ${esc(status)}</p>
<p class="meta">Verification code: <code>${verificationCode(d.textHash)}</code></p>
<pre id="agreement-text">${esc(d.text)}</pre>
<h2>Signatures</h2>
<table>
<tr><th>Name</th><th>Role</th><th>Signed at (UTC)</th></tr>
${rows}
</table>
<p class="note">Each signature is an Ed25519 signature made by the Parley server over a record of who accepted the text with
this verification code, and when. Server key fingerprint: <code>${fingerprint}</code>. To check this file, run
<code>npm run verify -- this-file.html --server https://your-platform</code> or upload it to the platform's verify page.
Any change to this file, however small, makes the check fail.</p>
<script type="application/json" id="parley-agreement">${json}</script>
</body>
</html>
`;
}
