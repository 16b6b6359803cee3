import { describe, expect, it } from 'vitest';
import { describeRole } from './view.ts';

/** Tiles and the participants list show a name, then its role: never the same word twice. */
describe('describeRole: a name equal to the role label is said once', () => {
  it('a mediator still called "Mediator" gets no second "Mediator"', () => {
    expect(describeRole({ displayName: 'Mediator', role: 'mediator', side: null })).toBe('');
    expect(describeRole({ displayName: ' mediator ', role: 'mediator', side: null })).toBe('');
  });

  it('a party called "Party" keeps only the side', () => {
    expect(describeRole({ displayName: 'Party', role: 'party', side: 'A' })).toBe('Side A');
  });

  it('any other name keeps its role', () => {
    expect(describeRole({ displayName: 'Maria Mendes', role: 'mediator', side: null })).toBe('Mediator');
    expect(describeRole({ displayName: 'Ana', role: 'party', side: 'B' })).toBe('Party · Side B');
    expect(describeRole({ role: 'advisor', side: 'A' })).toBe('Advisor · Side A');
  });
});
