import { describe, expect, it } from 'vitest';
import { draftAccess, draftDocName, parseDraftDocName, presenceColour, PRESENCE_COLOURS } from './draft.ts';

describe('draft document names', () => {
  it('parses the two kinds of document of a case', () => {
    expect(parseDraftDocName('case.AbC_d-123456789012.agreement')).toEqual({ name: 'case.AbC_d-123456789012.agreement', caseId: 'AbC_d-123456789012', kind: 'agreement' });
    expect(parseDraftDocName(draftDocName('abcdefghijkl', 'notes'))).toMatchObject({ caseId: 'abcdefghijkl', kind: 'notes' });
  });

  it('refuses anything else', () => {
    const bad = [
      '',
      'case..agreement',
      'case.abc.agreement', // too short to be a case id
      'case.abcdefghijkl.minutes',
      'case.abcdefghijkl.agreement.x',
      'case.abcdefghijkl.Agreement',
      'CASE.abcdefghijkl.agreement',
      'case.abc/../defghij.agreement',
      'case.abcdefghij%2e.agreement',
      `case.${'a'.repeat(90)}.agreement`,
      ' case.abcdefghijkl.agreement',
      42,
      null,
    ];
    for (const b of bad) expect(parseDraftDocName(b), String(b)).toBeNull();
  });
});

describe('draftAccess', () => {
  it('lets mediator, parties and advisors edit the agreement; the assessor only reads it', () => {
    expect(draftAccess('mediator', 'agreement')).toBe('edit');
    expect(draftAccess('party', 'agreement')).toBe('edit');
    expect(draftAccess('advisor', 'agreement')).toBe('edit');
    expect(draftAccess('assessor', 'agreement')).toBe('read');
  });
  it('keeps the notes to the mediator', () => {
    expect(draftAccess('mediator', 'notes')).toBe('edit');
    for (const r of ['party', 'advisor', 'assessor'] as const) expect(draftAccess(r, 'notes')).toBe('none');
  });
});

describe('presenceColour', () => {
  it('is stable and from the palette', () => {
    expect(presenceColour('p1')).toBe(presenceColour('p1'));
    expect(PRESENCE_COLOURS).toContain(presenceColour('xyz'));
  });
});
