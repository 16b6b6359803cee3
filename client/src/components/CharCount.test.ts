import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { CaseTitle, DisplayName, MessageBody, RoomName } from '@parley/shared';
import { CharCount, limitOf, nearThreshold } from './CharCount.tsx';

const html = (value: string, max: number) => renderToStaticMarkup(createElement(CharCount, { id: 'c', value, max }));
/** The text of the polite live region (what a screen reader is told while typing). */
const spoken = (value: string, max: number) => /aria-live="polite"[^>]*>([^<]*)</.exec(html(value, max))?.[1] ?? '';

describe('CharCount', () => {
  it('takes its limits from the shared schemas', () => {
    expect([CaseTitle, DisplayName, RoomName, MessageBody].map(limitOf)).toEqual([140, 80, 60, 4000]);
  });

  it('shows "used / limit" and describes it in words for the field', () => {
    const out = html('x'.repeat(132), 140);
    expect(out).toContain('<span aria-hidden="true">132 / 140</span>');
    expect(out).toMatch(/<span id="c">.*132 of 140 characters<\/span><\/span>/);
    expect(html('x'.repeat(1200), 4000)).toContain('1,200 / 4,000');
  });

  it('says nothing while typing until near the limit, then how much is left, then that it is reached', () => {
    expect(nearThreshold(140)).toBe(14);
    expect(nearThreshold(60)).toBe(10);
    expect(spoken('', 140)).toBe('');
    expect(spoken('x'.repeat(125), 140)).toBe('');
    expect(spoken('x'.repeat(126), 140)).toBe('14 characters left.');
    expect(spoken('x'.repeat(139), 140)).toBe('1 character left.');
    expect(spoken('x'.repeat(140), 140)).toBe('Limit reached: 140 characters.');
    expect(html('x'.repeat(140), 140)).toContain('140 / 140 · limit reached');
  });
});
