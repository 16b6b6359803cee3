import { describe, expect, it } from 'vitest';
import { caseAllows, ConcludeBody, type CasePhase, type CaseUse } from './lifecycle.ts';
import type { Role } from './domain.ts';

const now = new Date('2026-12-05T12:00:00Z');
const open: CasePhase = { state: 'open', partyAccessUntil: null };
const concluded: CasePhase = { state: 'concluded', partyAccessUntil: '2026-12-20T00:00:00Z' };
const concludedAccessOver: CasePhase = { state: 'concluded', partyAccessUntil: '2026-12-05T11:59:59Z' };
const archived: CasePhase = { state: 'archived', partyAccessUntil: '2026-12-20T00:00:00Z' };
const erased: CasePhase = { state: 'erased', partyAccessUntil: null };
const uses: CaseUse[] = ['read', 'own', 'change', 'live', 'assess', 'lifecycle'];
const roles: Role[] = ['mediator', 'party', 'advisor', 'assessor'];
const allowed = (phase: CasePhase, role: Role) => uses.filter((u) => caseAllows(phase, role, u, now).allowed);

describe('what a case allows in each state', () => {
  it('an open case allows everything (who may do what at all is decided elsewhere)', () => {
    for (const role of roles) expect(allowed(open, role)).toEqual(uses);
  });

  it('a concluded case changes no more and holds no meetings, for anyone', () => {
    for (const role of roles) {
      expect(caseAllows(concluded, role, 'change', now)).toEqual({ allowed: false, reason: 'concluded' });
      expect(caseAllows(concluded, role, 'live', now)).toEqual({ allowed: false, reason: 'concluded' });
    }
  });

  it('on a concluded case the mediator reads and may reopen or archive; the others read until their access ends', () => {
    expect(allowed(concluded, 'mediator')).toEqual(['read', 'own', 'assess', 'lifecycle']);
    for (const role of ['party', 'advisor'] as const) {
      expect(allowed(concluded, role)).toEqual(['read', 'own', 'assess']);
      expect(allowed(concludedAccessOver, role)).toEqual(['assess']);
      expect(caseAllows(concludedAccessOver, role, 'read', now)).toEqual({ allowed: false, reason: 'closed' });
    }
    // An assessor may finish the appraisal after the access period.
    expect(allowed(concludedAccessOver, 'assessor')).toEqual(['assess']);
  });

  it('an archived case is the mediators’ to read; an erased one is nobody’s', () => {
    expect(allowed(archived, 'mediator')).toEqual(['read', 'lifecycle']);
    for (const role of ['party', 'advisor', 'assessor'] as const) expect(allowed(archived, role)).toEqual([]);
    for (const role of roles) expect(allowed(erased, role)).toEqual([]);
  });

  it('requests about no case are not its business', () => {
    for (const phase of [concluded, archived, erased]) expect(caseAllows(phase, 'party', 'none', now)).toEqual({ allowed: true });
  });
});

describe('concluding', () => {
  it('needs a reason when there is no agreement, not with one', () => {
    expect(ConcludeBody.safeParse({ outcome: 'no-agreement', reason: '  ', partyAccessDays: 30 }).success).toBe(false);
    expect(ConcludeBody.safeParse({ outcome: 'no-agreement', reason: 'Ben withdrew from the mediation.', partyAccessDays: 30 }).success).toBe(true);
    expect(ConcludeBody.safeParse({ outcome: 'agreement', reason: '', partyAccessDays: 30 }).success).toBe(true);
    expect(ConcludeBody.safeParse({ outcome: 'agreement', reason: '', partyAccessDays: 366 }).success).toBe(false);
  });
});
