import { describe, expect, it } from 'vitest';
import { escapeHtml } from './html.ts';

describe('escapeHtml', () => {
  it('escapes the five characters that can end text or an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>Tom & Jerry</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; Jerry&lt;/a&gt;');
  });
  it('escapes an ampersand once, so existing entities are shown as typed (signed exports depend on it)', () => {
    expect(escapeHtml('&amp; &lt;')).toBe('&amp;amp; &amp;lt;');
  });
  it('leaves other text alone, also outside ASCII', () => {
    expect(escapeHtml('Grüße — 你好 \n\t 1 > 0')).toBe('Grüße — 你好 \n\t 1 &gt; 0');
  });
});
