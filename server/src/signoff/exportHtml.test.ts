import { describe, expect, it } from 'vitest';
import { DRAFT_LIMITS, VERIFY_UPLOAD_LIMITS, type SignatureRecord } from '@parley/shared';
import { exportManifest, formatUtc, renderExport, type ExportData } from './exportHtml.ts';
import { sha256Hex } from './SignoffService.ts';

const record = (i: number, name: string, signedAt = '2026-12-05T14:03:27.123Z'): SignatureRecord => ({
  v: 1,
  type: 'parley.agreement-signature',
  caseId: 'A'.repeat(22),
  versionId: 'B'.repeat(22),
  version: 2,
  textHash: 'c'.repeat(64),
  participantId: String(i).padStart(22, 'P'),
  displayName: name,
  role: 'party',
  signedAt,
});

const sample = (over: Partial<ExportData> = {}): ExportData => ({
  format: 'parley.agreement-export/2',
  caseTitle: 'Boat and mooring',
  version: 2,
  frozenAt: '2026-12-05T13:58:01.999Z',
  text: '# Settlement agreement\n1. Ana keeps the boat.\n2. The repair is shared.',
  textHash: 'c'.repeat(64),
  publicKey: 'K'.repeat(43),
  status: 'awaiting-signatures',
  unsigned: ['Ben Brooks'],
  signatures: [{ record: record(0, 'Ana Alvarez'), signature: 'S'.repeat(86) }],
  signers: [
    { participantId: String(0).padStart(22, 'P'), displayName: 'Ana Alvarez', role: 'party' },
    { participantId: String(1).padStart(22, 'P'), displayName: 'Ben Brooks', role: 'party' },
  ],
  verifyUrl: 'https://parley.example/verify',
  serverSignature: 'T'.repeat(86),
  ...over,
});

describe('formatUtc', () => {
  it('writes the date in words with the zone, to the minute, in UTC whatever the machine’s zone', () => {
    expect(formatUtc('2026-12-05T14:03:27.123Z')).toBe('5 December 2026, 14:03 UTC');
    expect(formatUtc('2027-01-01T00:00:00.000+01:00')).toBe('31 December 2026, 23:00 UTC');
    expect(formatUtc('not a date')).toBe('not a date');
  });
});

describe('renderExport', () => {
  it('is deterministic and shows a document: no Markdown markers, numbers once, dates in words, role labels, the verify page', () => {
    const html = renderExport(sample(), '0000:0000:0000:0000');
    expect(renderExport(sample(), '0000:0000:0000:0000')).toBe(html);
    const seen = html.replace(/<script type="application\/json"[\s\S]*?<\/script>/, '');
    expect(seen).toContain('<div class="agreement" id="agreement-text"><h2>Settlement agreement</h2><ol><li>Ana keeps the boat.</li><li>The repair is shared.</li></ol></div>');
    expect(seen).not.toContain('# ');
    expect(seen).not.toMatch(/\d\.\s*\d\./);
    expect(seen).toContain('frozen on 5 December 2026, 13:58 UTC.');
    expect(seen).toContain('<tr><td>Ana Alvarez</td><td>Party</td><td>5 December 2026, 14:03 UTC</td></tr>');
    expect(seen).toContain('<tr><td>Ben Brooks</td><td>Party</td><td>Not signed</td></tr>');
    expect(seen).not.toMatch(/\.\d{3}Z|T\d{2}:\d{2}/);
    expect(html).not.toContain('npm run');
    expect(seen).toContain('open <a href="https://parley.example/verify">https://parley.example/verify</a> and choose this file');
  });

  it('links the verify page only when it is a web address', () => {
    const html = renderExport(sample({ verifyUrl: 'javascript:alert(1)' }), '0');
    expect(html).not.toContain('href="javascript');
    expect(html).toContain('open javascript:alert(1) and choose this file');
  });

  it('the largest export the platform can produce still fits the verify upload limit', () => {
    // A text of `<` filling the draft limit, a long title, a hundred signers with long names: half signed.
    const name = '<'.repeat(80);
    const signers = Array.from({ length: 100 }, (_, i) => ({ participantId: String(i).padStart(22, 'P'), displayName: name, role: 'party' as const }));
    const html = renderExport(
      sample({
        caseTitle: '<'.repeat(140),
        text: '<'.repeat(DRAFT_LIMITS.maxDocumentBytes),
        unsigned: Array.from({ length: 50 }, () => name),
        signatures: Array.from({ length: 50 }, (_, i) => ({ record: record(i, name), signature: 'S'.repeat(86) })),
        signers,
        verifyUrl: `https://${'p'.repeat(200)}.example/verify`,
      }),
      '0000:0000:0000:0000',
    );
    expect(Buffer.byteLength(html)).toBeLessThanOrEqual(VERIFY_UPLOAD_LIMITS.agreementBytes);
  });
});

describe('exportManifest', () => {
  it('covers the status, the unsigned list, every expected signer with role, the verify page and each signature record, but not the seal itself', () => {
    const base = exportManifest(sample(), sha256Hex);
    expect(base).toMatchObject({ type: 'parley.agreement-export-manifest', status: 'awaiting-signatures', unsigned: ['Ben Brooks'], verifyUrl: 'https://parley.example/verify' });
    expect(base.signers).toEqual(sample().signers);
    expect(base.signatureRecords).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/)]);
    const changed: Array<Partial<ExportData>> = [
      { status: 'signed' },
      { unsigned: [] },
      { signers: sample().signers!.slice(0, 1) },
      { signers: sample().signers!.map((s) => ({ ...s, role: 'advisor' as const })) },
      { signatures: [] },
      { signatures: [{ record: record(0, 'Ana Alvarez', '2026-12-05T14:04:00.000Z'), signature: 'S'.repeat(86) }] },
      { verifyUrl: 'https://evil.example/verify' },
      { caseTitle: 'Other' },
      { frozenAt: '2026-12-06T13:58:01.999Z' },
      { textHash: 'd'.repeat(64) },
    ];
    for (const over of changed) expect(exportManifest(sample(over), sha256Hex), JSON.stringify(over)).not.toEqual(base);
    expect(exportManifest(sample({ serverSignature: 'X' }), sha256Hex)).toEqual(base);
  });
});
