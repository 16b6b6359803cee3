import { describe, expect, it } from 'vitest';
import { ASSESSOR_CAUCUS_CLAUSE_ID, ASSESSOR_CLAUSE_ID, assessorToken } from './assessment.ts';
import { BREAKDOWN_CLAUSE_ID, breakdownClause, DEFAULT_BREAKDOWN } from './breakdown.ts';
import { composeAgreement, DEFAULT_TEMPLATE_CLAUSES, isPlatformClause, PLATFORM_CLAUSE_IDS, TEMPLATE_LIMITS, TemplateBody, type TemplateClause } from './templates.ts';
import { DEFAULT_PROTOCOL_AGREEMENT } from './protocol-agreement.ts';
import { ProtocolAgreement } from './domain.ts';

const fees: TemplateClause = { id: 'fees', title: 'Fees', body: 'Each party pays half of 120 EUR an hour.', imi: ['3.5'] };
const law: TemplateClause = { id: 'governing-law', title: 'Law and seat', body: 'Irish law; seat in Dublin.', imi: [] };
const facts = { breakdown: DEFAULT_BREAKDOWN, assessorIds: [] as string[] };
const ids = (a: ProtocolAgreement) => a.clauses.map((c) => c.id);
const clause = (a: ProtocolAgreement, id: string) => a.clauses.find((c) => c.id === id);

describe('composing a case’s agreement from a template version and the case’s settings', () => {
  it('keeps the template’s clauses as written, in order, then the platform’s', () => {
    const a = composeAgreement({ clauses: [law, fees] }, facts);
    expect(ids(a)).toEqual(['governing-law', 'fees', 'platform', 'presence', 'stored-information', BREAKDOWN_CLAUSE_ID]);
    expect(clause(a, 'fees')).toEqual({ id: 'fees', title: 'Fees', body: 'Each party pays half of 120 EUR an hour.', imi: ['3.5'] });
    expect(ProtocolAgreement.safeParse(a).success).toBe(true);
  });

  it('writes the breakdown clause from the case’s breakdown settings, whatever the template', () => {
    const slow = { ...DEFAULT_BREAKDOWN, graceSeconds: 300, pauseJointSession: false, reschedulingContact: 'call 555 0100' };
    const a = composeAgreement({ clauses: [fees] }, { ...facts, breakdown: slow });
    expect(clause(a, BREAKDOWN_CLAUSE_ID)).toEqual(breakdownClause(slow));
    expect(clause(a, BREAKDOWN_CLAUSE_ID)!.body).toContain('after 5 minutes');
    expect(clause(a, BREAKDOWN_CLAUSE_ID)!.body).toContain('call 555 0100');
    expect(clause(composeAgreement({ clauses: [fees] }, facts), BREAKDOWN_CLAUSE_ID)!.body).toContain('after 1 minute');
  });

  it('discloses the case’s assessors after “Who may be present”, and none when there are none', () => {
    const a = composeAgreement({ clauses: [fees] }, { ...facts, assessorIds: ['assessor01'] });
    expect(ids(a)).toEqual(['fees', 'platform', 'presence', ASSESSOR_CLAUSE_ID, ASSESSOR_CAUCUS_CLAUSE_ID, 'stored-information', BREAKDOWN_CLAUSE_ID]);
    expect(clause(a, ASSESSOR_CLAUSE_ID)!.body).toContain(assessorToken('assessor01'));
    expect(ids(composeAgreement({ clauses: [fees] }, facts))).not.toContain(ASSESSOR_CLAUSE_ID);
  });

  it('promises no deletion after a retention period: no code deletes a case’s stored information yet', () => {
    const body = clause(composeAgreement({ clauses: DEFAULT_TEMPLATE_CLAUSES }, { ...facts, assessorIds: ['assessor01'] }), 'stored-information')!.body;
    expect(body).toContain('does not delete a case’s stored information after a set period');
    expect(body).not.toMatch(/is deleted|retention period ends/);
  });

  it('an empty template still gives the platform’s clauses', () => {
    expect(ids(composeAgreement({ clauses: [] }, facts))).toEqual(['platform', 'presence', 'stored-information', BREAKDOWN_CLAUSE_ID]);
  });

  it('the default agreement is the built-in template with the default settings, covering the subjects of 3.5, 3.6.12 and 3.6.14', () => {
    expect(DEFAULT_PROTOCOL_AGREEMENT).toEqual(composeAgreement({ clauses: DEFAULT_TEMPLATE_CLAUSES }, facts));
    const imi = DEFAULT_PROTOCOL_AGREEMENT.clauses.flatMap((c) => c.imi);
    for (const item of ['3.5', '3.6.8', '3.6.12', '3.6.14']) expect(imi).toContain(item);
    for (const id of ['fees', 'conflict-of-interest', 'disclosure', 'recording', 'governing-law', 'language']) expect(ids(DEFAULT_PROTOCOL_AGREEMENT)).toContain(id);
  });
});

describe('a template body', () => {
  const ok = { name: 'Family disputes', clauses: [fees, law] };

  it('is accepted with its clauses, trimmed', () => {
    const parsed = TemplateBody.parse({ name: '  Family disputes ', clauses: [{ ...fees, title: ' Fees ', imi: undefined }] });
    expect(parsed).toEqual({ name: 'Family disputes', clauses: [{ ...fees, imi: [] }] });
    expect(TemplateBody.safeParse(ok).success).toBe(true);
  });

  it('may not hold a clause the platform writes', () => {
    for (const id of PLATFORM_CLAUSE_IDS) {
      expect(isPlatformClause(id)).toBe(true);
      const r = TemplateBody.safeParse({ ...ok, clauses: [{ ...fees, id }] });
      expect(r.success, id).toBe(false);
    }
  });

  it('refuses two clauses with one id, empty or over-long text, and too much in all', () => {
    expect(TemplateBody.safeParse({ ...ok, clauses: [fees, fees] }).success).toBe(false);
    expect(TemplateBody.safeParse({ ...ok, clauses: [{ ...fees, body: '   ' }] }).success).toBe(false);
    expect(TemplateBody.safeParse({ ...ok, clauses: [{ ...fees, title: 'x'.repeat(TEMPLATE_LIMITS.titleMax + 1) }] }).success).toBe(false);
    expect(TemplateBody.safeParse({ ...ok, clauses: [{ ...fees, body: 'x'.repeat(TEMPLATE_LIMITS.bodyMax + 1) }] }).success).toBe(false);
    expect(TemplateBody.safeParse({ ...ok, name: '' }).success).toBe(false);
    const many = Array.from({ length: 7 }, (_, i) => ({ ...fees, id: `c-${i}`, body: 'x'.repeat(TEMPLATE_LIMITS.bodyMax) }));
    expect(TemplateBody.safeParse({ ...ok, clauses: many }).success).toBe(false);
    expect(TemplateBody.safeParse({ ...ok, clauses: [{ ...fees, extra: 1 }] }).success).toBe(false);
  });
});
