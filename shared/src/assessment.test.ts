import { describe, expect, it } from 'vitest';
import {
  ASSESSOR_CAUCUS_CLAUSE_ID, ASSESSOR_CLAUSE_ID, assessorClauses, EditNoteBody, formatSessionTime, NewNoteBody, ReleaseBody, renderAssessorNames,
  requiredClauseIds, scorecardSections, SetRatingBody, withAssessorClauses,
} from './assessment.ts';
import { AddParticipantBody, CreateCaseBody } from './http.ts';
import { assessableItems } from './imi-criteria.ts';
import { DEFAULT_PROTOCOL_AGREEMENT } from './protocol-agreement.ts';
import { ProtocolAgreement } from './domain.ts';

const ID1 = 'assessorAAAA1111';
const ID2 = 'assessorBBBB2222';

describe('inviting an assessor', () => {
  it('an assessor has no side; parties and advisors must have one', () => {
    expect(AddParticipantBody.parse({ displayName: 'Cleo', role: 'assessor' })).toEqual({ displayName: 'Cleo', role: 'assessor', side: null });
    expect(AddParticipantBody.parse({ displayName: 'Cleo', role: 'assessor', side: null }).side).toBeNull();
    expect(AddParticipantBody.safeParse({ displayName: 'Cleo', role: 'assessor', side: 'A' }).success).toBe(false);
    expect(AddParticipantBody.safeParse({ displayName: 'Ana', role: 'party', side: null }).success).toBe(false);
    expect(AddParticipantBody.safeParse({ displayName: 'Ana', role: 'party' }).success).toBe(false);
    expect(AddParticipantBody.safeParse({ displayName: 'Ana', role: 'mediator', side: null }).success).toBe(false);
  });

  it('a new case takes at most two assessors and still needs a party', () => {
    const party = { displayName: 'Ana', role: 'party', side: 'A' };
    const assessor = (n: number) => ({ displayName: `Assessor ${n}`, role: 'assessor', side: null });
    expect(CreateCaseBody.safeParse({ title: 't', participants: [party, assessor(1), assessor(2)] }).success).toBe(true);
    const three = CreateCaseBody.safeParse({ title: 't', participants: [party, assessor(1), assessor(2), assessor(3)] });
    expect(three.success).toBe(false);
    expect(three.error?.issues[0]?.message).toMatch(/at most 2 assessors/);
    expect(CreateCaseBody.safeParse({ title: 't', participants: [assessor(1)] }).success).toBe(false);
  });
});

describe('the agreement discloses the assessor', () => {
  it('adds a required clause and a separate optional caucus clause after "Who may be present"', () => {
    const a = withAssessorClauses(DEFAULT_PROTOCOL_AGREEMENT, [ID1]);
    expect(ProtocolAgreement.safeParse(a).success).toBe(true);
    const ids = a.clauses.map((c) => c.id);
    expect(ids.indexOf(ASSESSOR_CLAUSE_ID)).toBe(ids.indexOf('presence') + 1);
    expect(ids.indexOf(ASSESSOR_CAUCUS_CLAUSE_ID)).toBe(ids.indexOf('presence') + 2);
    expect(a.clauses.find((c) => c.id === ASSESSOR_CLAUSE_ID)!.optional).toBeUndefined();
    expect(a.clauses.find((c) => c.id === ASSESSOR_CAUCUS_CLAUSE_ID)!.optional).toBe(true);
    expect(requiredClauseIds(a)).not.toContain(ASSESSOR_CAUCUS_CLAUSE_ID);
    expect(requiredClauseIds(a)).toContain(ASSESSOR_CLAUSE_ID);
    // Everything else is unchanged.
    expect(a.clauses.filter((c) => !c.id.startsWith('assessor'))).toEqual(DEFAULT_PROTOCOL_AGREEMENT.clauses);
  });

  it('stores tokens, never names, and renders the names when shown', () => {
    const a = withAssessorClauses(DEFAULT_PROTOCOL_AGREEMENT, [ID1]);
    const stored = JSON.stringify(a);
    expect(stored).toContain(`{{assessor:${ID1}}}`);
    const shown = renderAssessorNames(a, (id) => (id === ID1 ? 'Cleo Carter' : undefined));
    const clause = shown.clauses.find((c) => c.id === ASSESSOR_CLAUSE_ID)!;
    expect(clause.body).toMatch(/^An assessor, Cleo Carter, takes part to assess the mediator/);
    expect(clause.body).toContain('the mediator, not the parties');
    expect(clause.body).toContain('cannot speak, share a screen, write messages or edit anything');
    expect(clause.body).toContain('“Assessor (observing)”');
    expect(JSON.stringify(shown)).not.toContain('{{assessor:');
    expect(renderAssessorNames(a, () => undefined).clauses.find((c) => c.id === ASSESSOR_CLAUSE_ID)!.body).toContain('An assessor, the assessor,');
  });

  it('a second assessor rewrites the clauses in place; none removes them', () => {
    const one = withAssessorClauses(DEFAULT_PROTOCOL_AGREEMENT, [ID1]);
    const two = withAssessorClauses(one, [ID1, ID2]);
    expect(two.clauses.map((c) => c.id)).toEqual(one.clauses.map((c) => c.id));
    expect(two.clauses.find((c) => c.id === ASSESSOR_CLAUSE_ID)!.body).toMatch(/^Two assessors, \{\{assessor:\w+\}\} and \{\{assessor:\w+\}\}, take part/);
    expect(withAssessorClauses(two, [])).toEqual({ ...DEFAULT_PROTOCOL_AGREEMENT });
    expect(assessorClauses([])).toEqual([]);
  });

  it('the optional clause says plainly that declining costs nothing', () => {
    const [, caucus] = assessorClauses([ID1]);
    expect(caucus!.body).toContain('follow the mediator into private meetings (caucuses) you are in');
    expect(caucus!.body).toContain('you can take part either way');
  });
});

describe('scorecard', () => {
  it('groups every assessable item (2.1–2.11, 3.1–3.9) under its Annex 2 heading', () => {
    const sections = scorecardSections();
    expect(sections.map((s) => s.id)).toEqual(['2', '2.11', '3', '3.6', '3.7', '3.8', '3.9']);
    expect(sections.flatMap((s) => s.items.map((i) => i.id))).toEqual(assessableItems().map((i) => i.id));
    expect(sections[1]!.title).toBe('Using specific options of the ICT platform');
  });

  it('rating bodies accept only scorecard items and the four ratings (or null to clear)', () => {
    expect(SetRatingBody.safeParse({ itemId: '3.6.13', rating: 'competent' }).success).toBe(true);
    expect(SetRatingBody.safeParse({ itemId: '2.11-iii', rating: null }).success).toBe(true);
    for (const bad of [
      { itemId: '3.6', rating: 'competent' },
      { itemId: '1', rating: 'competent' },
      { itemId: '3.6.13', rating: 'excellent' },
      { itemId: '3.6.13', rating: 'strong', extra: 1 },
    ]) expect(SetRatingBody.safeParse(bad).success).toBe(false);
  });

  it('note bodies: 1–2,000 characters, an optional item, an optional observed-at time', () => {
    expect(NewNoteBody.parse({ text: ' Good opening ' })).toEqual({ text: 'Good opening', itemId: null });
    expect(NewNoteBody.safeParse({ text: 'x'.repeat(2000), itemId: '3.7.1', observedAt: new Date().toISOString() }).success).toBe(true);
    expect(NewNoteBody.safeParse({ text: 'x'.repeat(2001) }).success).toBe(false);
    expect(NewNoteBody.safeParse({ text: '   ' }).success).toBe(false);
    expect(NewNoteBody.safeParse({ text: 'ok', observedAt: 'yesterday' }).success).toBe(false);
    expect(EditNoteBody.safeParse({}).success).toBe(false);
    expect(EditNoteBody.safeParse({ itemId: null }).success).toBe(true);
    expect(ReleaseBody.safeParse({ released: 'yes' }).success).toBe(false);
  });

  it('formats session times', () => {
    expect(formatSessionTime(0)).toBe('0:00');
    expect(formatSessionTime(725)).toBe('12:05');
    expect(formatSessionTime(3725)).toBe('1:02:05');
  });
});
