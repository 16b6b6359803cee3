import { describe, it, expect } from 'vitest';
import { IMI_ANNEX2_ITEMS, IMI_SOURCE, assessableItems, imiItem } from './imi-criteria.ts';

const ids = IMI_ANNEX2_ITEMS.map((item) => item.id);
const childrenOf = (id: string): string[] =>
  IMI_ANNEX2_ITEMS.filter((item) => item.parent === id).map((item) => item.id);

describe('IMI Annex 2 criteria', () => {
  it('has unique ids', () => {
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has a parent for every non-root item, earlier in document order and in the same group', () => {
    for (const [index, item] of IMI_ANNEX2_ITEMS.entries()) {
      if (item.parent === null) continue;
      const parent = imiItem(item.parent);
      expect(parent, item.id).toBeDefined();
      expect(ids.indexOf(item.parent), item.id).toBeLessThan(index);
      expect(parent?.group, item.id).toBe(item.group);
    }
  });

  it('has the expected number of children', () => {
    expect(childrenOf('2')).toHaveLength(11);
    expect(childrenOf('3')).toHaveLength(9);
    expect(childrenOf('3.6')).toHaveLength(15);
    expect(childrenOf('3.7')).toHaveLength(18);
    expect(childrenOf('3.8')).toEqual(['3.8.1', '3.8.2']);
    expect(childrenOf('3.9')).toEqual(['3.9.1', '3.9.2']);
    expect(childrenOf('2.11')).toEqual([
      '2.11-i', '2.11-ii', '2.11-iii', '2.11-iv', '2.11-v', '2.11-vi', '2.11-vii',
    ]);
    expect(IMI_ANNEX2_ITEMS).toHaveLength(1 + 1 + 11 + 7 + 1 + 9 + 15 + 18 + 2 + 2);
  });

  it('preserves document order', () => {
    const order = ['1', '2', '2.1', '2.9', '2.10', '2.11', '2.11-i', '2.11-vii', '3', '3.1', '3.5', '3.6',
      '3.6.1', '3.6.9', '3.6.10', '3.6.15', '3.7', '3.7.18', '3.8', '3.8.2', '3.9', '3.9.2'];
    const positions = order.map((id) => ids.indexOf(id));
    expect(positions).not.toContain(-1);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(ids[0]).toBe('1');
    expect(ids.at(-1)).toBe('3.9.2');
  });

  it('has clean texts and short titles', () => {
    for (const item of IMI_ANNEX2_ITEMS) {
      for (const s of [item.text, item.title]) {
        expect(s, item.id).not.toMatch(/\s{2}|\n/);
        expect(s, item.id).toBe(s.trim());
        expect(s.length, item.id).toBeGreaterThan(0);
      }
      expect(item.text, item.id).not.toMatch(/;$/);
      expect(item.text, item.id).not.toMatch(/\w- /); // no hyphenation left from line breaks
      // no "communicat e"-style breaks: the only one-letter words are 'a' and the numerals (i), (v)
      for (const word of item.text.split(' ')) {
        if (/^[a-z]$/i.test(word.replace(/\W/g, ''))) expect(['a', '(i)', '(v)'], `${item.id}: ${word}`).toContain(word);
      }
      expect(item.title.length, item.id).toBeLessThanOrEqual(60);
      expect(item.group, item.id).toBe(item.id.charAt(0));
    }
  });

  it('transcribes the wording', () => {
    expect(imiItem('3.6.13')?.text).toContain('technology breakdown');
    expect(imiItem('3.6.8')?.text).toContain('responsibilities of an e-Mediator (including');
    expect(imiItem('2.10')?.text).toBe(
      'Ability to combine asynchronous communication and videoconferencing in order to manage caucuses',
    );
    expect(imiItem('2.11-iv')?.text).toBe('giving mouse controls');
    expect(imiItem('3.7.17')?.text).toContain('hanging up, technical failure');
    expect(imiItem('3.6.3')?.text).toMatch(/^Guiding parties and all participants/);
    expect(imiItem('9.9')).toBeUndefined();
    expect(IMI_SOURCE.document).toMatch(/^IMI Certification in E-Mediation, Annex 2/);
  });

  it('lists assessable leaf items of groups 2 and 3', () => {
    const leaves = assessableItems().map((item) => item.id);
    expect(leaves).toHaveLength(10 + 7 + 5 + 15 + 18 + 2 + 2);
    for (const id of ['1', '2', '2.11', '3', '3.6', '3.7', '3.8', '3.9']) expect(leaves).not.toContain(id);
    for (const id of ['2.1', '2.11-vii', '3.1', '3.5', '3.6.13', '3.7.18', '3.9.2']) expect(leaves).toContain(id);
  });
});
