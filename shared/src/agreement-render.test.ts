import { describe, expect, it } from 'vitest';
import { renderAgreementHtml } from './agreement-render.ts';
import { renderAgreementHtml as fromIndex } from './index.ts';

/** Texts as server/src/draft/agreementText.ts writes them: the format parties sign. */
describe('renderAgreementHtml: the frozen text as a document', () => {
  it('is reachable from the package entry', () => {
    expect(fromIndex).toBe(renderAgreementHtml);
  });

  it('headings: one to six #, shifted by the offset, at most h6; an empty heading shows nothing', () => {
    expect(renderAgreementHtml('# Settlement agreement')).toBe('<h1>Settlement agreement</h1>');
    expect(renderAgreementHtml('## Payment\n### Dates')).toBe('<h2>Payment</h2><h3>Dates</h3>');
    expect(renderAgreementHtml('# Title\n### Small', { headingOffset: 2 })).toBe('<h3>Title</h3><h5>Small</h5>');
    expect(renderAgreementHtml('###### Six', { headingOffset: 2 })).toBe('<h6>Six</h6>');
    expect(renderAgreementHtml('#')).toBe('');
    // Not a heading marker: no space, or seven #.
    expect(renderAgreementHtml('#hashtag\n####### seven')).toBe('<p>#hashtag</p><p>####### seven</p>');
  });

  it('paragraphs: one per line, blank lines dropped, spaces kept as signed', () => {
    expect(renderAgreementHtml('Ana keeps the boat.\n\nBen keeps  the mooring.')).toBe('<p>Ana keeps the boat.</p><p>Ben keeps  the mooring.</p>');
    expect(renderAgreementHtml('')).toBe('');
  });

  it('bullet lists: the dash becomes the bullet and is not repeated in the item', () => {
    expect(renderAgreementHtml('- Boat\n- Mooring')).toBe('<ul><li>Boat</li><li>Mooring</li></ul>');
    expect(renderAgreementHtml('-')).toBe('<ul><li></li></ul>');
    expect(renderAgreementHtml('-5 degrees\n-.')).toBe('<p>-5 degrees</p><p>-.</p>');
  });

  it('ordered lists: each number appears once, as the list numbering, and is the signed number', () => {
    const html = renderAgreementHtml('1. Ana keeps the boat.\n2. The repair is shared.');
    expect(html).toBe('<ol><li>Ana keeps the boat.</li><li>The repair is shared.</li></ol>');
    expect(html).not.toMatch(/\d\./);
    // A list that starts elsewhere keeps its first number.
    expect(renderAgreementHtml('3. Third\n4. Fourth')).toBe('<ol start="3"><li>Third</li><li>Fourth</li></ol>');
    // Numbers that jump (two lists with a paragraph between, or written that way) start a new list, so none is renumbered.
    expect(renderAgreementHtml('1. One\nBetween\n2. Two')).toBe('<ol><li>One</li></ol><p>Between</p><ol start="2"><li>Two</li></ol>');
    expect(renderAgreementHtml('1. One\n1. One again')).toBe('<ol><li>One</li></ol><ol><li>One again</li></ol>');
    // What the writer never prints stays text: leading zeros, ten digits, no space.
    expect(renderAgreementHtml('01. x\n1234567890. y\n1.x')).toBe('<p>01. x</p><p>1234567890. y</p><p>1.x</p>');
  });

  it('a bullet list after an ordered one is a new list', () => {
    expect(renderAgreementHtml('1. One\n- Dot')).toBe('<ol><li>One</li></ol><ul><li>Dot</li></ul>');
  });

  it('nested lists: two spaces per level, inside the item above, and the outer numbering goes on', () => {
    const text = ['1. Boat', '  - Hull', '    - Paint', '  - Mast', '2. Mooring', '  1. Chain'].join('\n');
    expect(renderAgreementHtml(text)).toBe(
      '<ol><li>Boat<ul><li>Hull<ul><li>Paint</li></ul></li><li>Mast</li></ul></li><li>Mooring<ol><li>Chain</li></ol></li></ol>',
    );
    // Deeper than possible (no item above): nested one level only.
    expect(renderAgreementHtml('    - Deep')).toBe('<ul><li>Deep</li></ul>');
  });

  it('a second paragraph of an item (indented, no marker) stays in the item', () => {
    expect(renderAgreementHtml('1. Payment\n  within 30 days\n2. Costs')).toBe('<ol><li>Payment<p>within 30 days</p></li><li>Costs</li></ol>');
    // Not indented: the list ends.
    expect(renderAgreementHtml('- a\nAfter')).toBe('<ul><li>a</li></ul><p>After</p>');
  });

  it('bold is not in the signed text, so literal asterisks stay text', () => {
    expect(renderAgreementHtml('**not bold**')).toBe('<p>**not bold**</p>');
  });

  it('escapes everything: <script> and markup in any construct is shown as text', () => {
    const text = ['# <script>alert(1)</script>', '<img src=x onerror="alert(2)">', "- it's & <b>", '1. </li></ol><script>x</script>'].join('\n');
    const html = renderAgreementHtml(text);
    expect(html).toBe(
      '<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1><p>&lt;img src=x onerror=&quot;alert(2)&quot;&gt;</p><ul><li>it&#39;s &amp; &lt;b&gt;</li></ul><ol><li>&lt;/li&gt;&lt;/ol&gt;&lt;script&gt;x&lt;/script&gt;</li></ol>',
    );
    expect(html).not.toMatch(/<script|<img|<b>/);
  });

  it('is deterministic and has no whitespace between tags', () => {
    const text = '# T\nP\n1. a\n  - b\n- c';
    expect(renderAgreementHtml(text)).toBe(renderAgreementHtml(text));
    expect(renderAgreementHtml(text)).not.toMatch(/>\s+</);
  });
});
