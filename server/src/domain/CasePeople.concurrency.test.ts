import { describe, expect, it } from 'vitest';
import { ASSESSOR_CLAUSE_ID, BREAKDOWN_CLAUSE_ID, DEFAULT_BREAKDOWN, ErrorCode } from '@parley/shared';
import { caseFixture } from '../test/services.ts';

/**
 * Changes of one case made at the same moment (two mediators' tabs, two requests in flight): each
 * reads the case and writes it back under the case's lock (Store.caseTransaction), so none undoes
 * the other. On Postgres the lock also holds across nodes.
 */
async function setup() {
  return caseFixture([
    { displayName: 'Ana Party', role: 'party', side: 'A' },
    { displayName: 'Ben Party', role: 'party', side: 'B' },
  ]);
}

describe('changes of one case at the same moment', () => {
  it('two assessors added at once are both named in the agreement', async () => {
    const { cases, people, mediatorId, detail, store } = await setup();
    await Promise.all([
      people.add(mediatorId, detail.id, { displayName: 'Xanthe Assessor', role: 'assessor', side: null }),
      people.add(mediatorId, detail.id, { displayName: 'Yorick Assessor', role: 'assessor', side: null }),
    ]);
    const clause = (await cases.caseDetail(mediatorId, detail.id)).agreement.clauses.find((c) => c.id === ASSESSOR_CLAUSE_ID)!;
    expect(clause.body).toContain('Xanthe Assessor');
    expect(clause.body).toContain('Yorick Assessor');
    await store.close();
  });

  it('an assessor added while the breakdown procedure changes: the agreement has both', async () => {
    const { cases, people, mediatorId, detail, store } = await setup();
    await Promise.all([
      people.add(mediatorId, detail.id, { displayName: 'Xanthe Assessor', role: 'assessor', side: null }),
      cases.setBreakdown(mediatorId, detail.id, { ...DEFAULT_BREAKDOWN, graceSeconds: 45 }),
    ]);
    const { agreement } = await cases.caseDetail(mediatorId, detail.id);
    expect(agreement.clauses.find((c) => c.id === ASSESSOR_CLAUSE_ID)!.body).toContain('Xanthe Assessor');
    expect(agreement.clauses.find((c) => c.id === BREAKDOWN_CLAUSE_ID)!.body).toContain('45 seconds');
    await store.close();
  });

  it('the last two parties taken off at once: one stays, the other removal is refused', async () => {
    const { cases, people, mediatorId, detail, who, store } = await setup();
    const results = await Promise.allSettled([
      people.remove(mediatorId, detail.id, who('Ana Party').participantId),
      people.remove(mediatorId, detail.id, who('Ben Party').participantId),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual([ErrorCode.Conflict]);
    expect((await cases.caseDetail(mediatorId, detail.id)).participants.filter((p) => p.role === 'party')).toHaveLength(1);
    await store.close();
  });
});
