import { describe, expect, it } from 'vitest';
import { BREAKDOWN_CLAUSE_ID, DEFAULT_BREAKDOWN, DEFAULT_TEMPLATE_CLAUSES, ErrorCode, type CaseDetail, type TemplateBody } from '@parley/shared';
import { caseFixture } from '../test/services.ts';
import { now } from '../store/Store.ts';

const parties = [
  { displayName: 'Ana Party', role: 'party' as const, side: 'A' },
  { displayName: 'Ben Party', role: 'party' as const, side: 'B' },
];
const withFees = (body: string): TemplateBody => ({
  name: 'Family disputes',
  clauses: DEFAULT_TEMPLATE_CLAUSES.map((c) => (c.id === 'fees' ? { ...c, body } : c)),
});
const clause = (d: CaseDetail, id: string) => d.agreement.clauses.find((c) => c.id === id);
const refused = (code: string) => expect.objectContaining({ name: 'ParleyError', code });

describe('templates are versioned', () => {
  it('saving makes a new version and leaves the earlier one as it was', async () => {
    const { templates, mediatorId } = await caseFixture(parties);
    const t1 = await templates.create(mediatorId, withFees('120 EUR an hour, shared equally.'));
    expect(t1.latest.version).toBe(1);
    const t2 = await templates.save(mediatorId, t1.id, withFees('150 EUR an hour, shared equally.'));
    expect(t2.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(t2.clauses.find((c) => c.id === 'fees')!.body).toBe('150 EUR an hour, shared equally.');
    expect((await templates.resolve(mediatorId, t1.latest.id)).clauses.find((c) => c.id === 'fees')!.body).toBe('120 EUR an hour, shared equally.');
  });

  it('saving what the newest version already says makes no version', async () => {
    const { templates, mediatorId } = await caseFixture(parties);
    const t1 = await templates.create(mediatorId, withFees('120 EUR an hour.'));
    expect((await templates.save(mediatorId, t1.id, withFees('120 EUR an hour.'))).versions).toHaveLength(1);
  });

  it('a case uses the version it was created with; a newer version changes nothing until the case is moved to it', async () => {
    const { templates, cases, mediatorId } = await caseFixture(parties);
    const t1 = await templates.create(mediatorId, withFees('120 EUR an hour.'));
    const c = await cases.createCase(mediatorId, { title: 'Shop lease', participants: parties, templateVersionId: t1.latest.id });
    expect(clause(c, 'fees')!.body).toBe('120 EUR an hour.');
    expect(c.template).toMatchObject({ templateId: t1.id, version: 1, latest: { version: 1 } });

    const t2 = await templates.save(mediatorId, t1.id, withFees('150 EUR an hour.'));
    const still = await cases.caseDetail(mediatorId, c.id);
    expect(clause(still, 'fees')!.body).toBe('120 EUR an hour.');
    expect(still.clauseSetHash).toBe(c.clauseSetHash);
    expect(still.template).toMatchObject({ version: 1, latest: { version: 2 } });

    const moved = await templates.useOnCase(mediatorId, c.id, t2.latest.id);
    expect(clause(moved, 'fees')!.body).toBe('150 EUR an hour.');
    expect(moved.clauseSetHash).not.toBe(c.clauseSetHash);
    expect(moved.agreement.version).toBe(c.agreement.version + 1);
    expect(moved.template).toMatchObject({ version: 2 });
  });

  it('moving a case asks everyone who consented to consent again, and says so on the bus', async () => {
    const { templates, cases, bus, mediatorId, detail, who } = await caseFixture(parties);
    const ana = who('Ana Party');
    await cases.recordConsent(ana, { acceptedClauseIds: detail.agreement.clauses.map((c) => c.id), clauseSetHash: detail.clauseSetHash });
    expect(await cases.consent.hasCurrent(ana)).toBe(true);
    const changed: string[] = [];
    bus.on('protocol.changed', ({ caseId }) => changed.push(caseId));
    const t = await templates.create(mediatorId, withFees('Free of charge.'));

    await templates.useOnCase(mediatorId, detail.id, t.latest.id);
    expect(changed).toEqual([detail.id]);
    expect(await cases.consent.hasCurrent(ana)).toBe(false);
  });
});

describe('the platform’s clauses follow the case’s settings, not the template', () => {
  it('a case written from a template has the breakdown clause of its settings, before and after the settings change', async () => {
    const { templates, cases, mediatorId } = await caseFixture(parties);
    const t = await templates.create(mediatorId, withFees('120 EUR an hour.'));
    const c = await cases.createCase(mediatorId, { title: 'Shop lease', participants: parties, templateVersionId: t.latest.id });
    expect(clause(c, BREAKDOWN_CLAUSE_ID)!.body).toContain('after 1 minute');
    const changed = await cases.setBreakdown(mediatorId, c.id, { ...DEFAULT_BREAKDOWN, graceSeconds: 180 });
    expect(clause(changed, BREAKDOWN_CLAUSE_ID)!.body).toContain('after 3 minutes');
    // Moving to a newer version keeps the settings the case has now.
    const t2 = await templates.save(mediatorId, t.id, withFees('150 EUR an hour.'));
    expect(clause(await templates.useOnCase(mediatorId, c.id, t2.latest.id), BREAKDOWN_CLAUSE_ID)!.body).toContain('after 3 minutes');
  });

  it('assessors on the case are disclosed whatever the template says', async () => {
    const { templates, cases, mediatorId } = await caseFixture(parties);
    const t = await templates.create(mediatorId, { name: 'Bare', clauses: [] });
    const c = await cases.createCase(mediatorId, { title: 'Observed', participants: [...parties, { displayName: 'Olga Observer', role: 'assessor', side: null }], templateVersionId: t.latest.id });
    expect(clause(c, 'assessor')!.body).toContain('Olga Observer');
  });
});

describe('templates belong to their mediator', () => {
  async function twoMediators() {
    const f = await caseFixture(parties);
    const otherId = 'other-mediator-01';
    await f.store.insertMediator({ id: otherId, display_name: 'Oscar Other', created_at: now() });
    const mine = await f.templates.create(f.mediatorId, withFees('120 EUR an hour.'));
    return { ...f, otherId, mine };
  }

  it('another mediator neither lists, reads, saves nor uses it', async () => {
    const { templates, cases, otherId, mine } = await twoMediators();
    expect((await templates.list(otherId)).templates).toEqual([]);
    await expect(templates.get(otherId, mine.id)).rejects.toThrow(refused(ErrorCode.NotFound));
    await expect(templates.save(otherId, mine.id, withFees('0 EUR.'))).rejects.toThrow(refused(ErrorCode.NotFound));
    await expect(cases.createCase(otherId, { title: 'Theirs', participants: parties, templateVersionId: mine.latest.id })).rejects.toThrow(refused(ErrorCode.NotFound));
    expect(await cases.listCases(otherId)).toEqual([]);
  });

  it('nobody moves another mediator’s case, and nobody moves a case to another mediator’s template', async () => {
    const { templates, cases, otherId, mine, mediatorId, detail } = await twoMediators();
    await expect(templates.useOnCase(otherId, detail.id, null)).rejects.toThrow(refused(ErrorCode.NotFound));
    const theirs = await templates.create(otherId, withFees('Theirs.'));
    await expect(templates.useOnCase(mediatorId, detail.id, theirs.latest.id)).rejects.toThrow(refused(ErrorCode.NotFound));
    expect((await cases.caseDetail(mediatorId, detail.id)).clauseSetHash).toBe(detail.clauseSetHash);
    expect((await templates.get(mediatorId, mine.id)).versions).toHaveLength(1);
  });
});
