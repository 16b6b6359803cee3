import { escapeHtml } from './html.ts';
/**
 * The frozen agreement text as a formatted document: the one renderer used by the review page, the
 * mediator's sign-off view and the exported file (server/src/signoff/exportHtml.ts).
 *
 * Its input is the canonical plain text that parties sign (server/src/draft/agreementText.ts): one
 * line per block; `# `, `## `, `### ` (up to six) for headings; `- ` and `N. ` for list items, two
 * spaces per nesting level; a line indented under an item without a marker is another paragraph of
 * that item. Bold is not part of that text (marks are dropped before hashing), so it is not shown.
 *
 * Pure and deterministic: the same text always gives the same bytes (the export is verified by
 * re-rendering it), no whitespace between tags (the containers keep `white-space: pre-wrap`, so the
 * signed spaces show as typed), and every character of the text is escaped. Ordered lists carry the
 * signed numbers as `start` and new lists where the numbers jump, and the marker itself is not
 * repeated in the item, so each number appears once and is the number in the signed text.
 */

export interface AgreementRenderOptions {
  /**
   * Added to each heading level so the document fits the page's outline: `# ` becomes
   * `<h{1 + headingOffset}>`, at most h6. Default 0.
   */
  headingOffset?: number;
}

export type AgreementBlock =
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; ordered: boolean; start: number; items: AgreementItem[] };
export interface AgreementItem {
  text: string;
  blocks: AgreementBlock[];
}
type List = Extract<AgreementBlock, { kind: 'list' }>;

const HEADING = /^(#{1,6})(?: (.*))?$/u;
/** Indent (pairs of spaces), then `-` or a number as the writer prints it (no leading zeros, at most 9 digits). */
const ITEM = /^((?: {2})*)(?:(-)|(0|[1-9]\d{0,8})\.)(?: (.*))?$/u;

/** Parses the canonical text into blocks. Exported for tests; use `renderAgreementHtml`. */
export function parseAgreementText(text: string): AgreementBlock[] {
  const root: AgreementBlock[] = [];
  /** The open lists, one per nesting depth. */
  let open: Array<{ list: List; next: number }> = [];
  for (const line of text.split('\n')) {
    const item = ITEM.exec(line);
    if (item) {
      const ordered = item[2] === undefined;
      const number = ordered ? Number(item[3]) : 0;
      // A list can only nest inside an item of the list one level up.
      const depth = Math.min(item[1]!.length / 2, open.length);
      open = open.slice(0, depth + 1);
      const here = open[depth];
      const entry: AgreementItem = { text: item[4] ?? '', blocks: [] };
      if (here && here.list.ordered === ordered && (!ordered || number === here.next)) {
        here.list.items.push(entry);
        here.next = number + 1;
        continue;
      }
      const list: List = { kind: 'list', ordered, start: ordered ? number : 1, items: [entry] };
      if (depth === 0) root.push(list);
      else lastItem(open[depth - 1]!.list).blocks.push(list);
      open[depth] = { list, next: number + 1 };
      continue;
    }
    const indent = /^ */u.exec(line)![0].length;
    const level = Math.min(Math.floor(indent / 2), open.length);
    if (level > 0 && line.trim() !== '') {
      // Another paragraph of the item one level up.
      lastItem(open[level - 1]!.list).blocks.push({ kind: 'paragraph', text: line.slice(level * 2) });
      open = open.slice(0, level);
      continue;
    }
    open = [];
    const heading = HEADING.exec(line);
    if (heading) {
      if (heading[2]) root.push({ kind: 'heading', level: heading[1]!.length, text: heading[2] });
    } else if (line !== '') {
      root.push({ kind: 'paragraph', text: line });
    }
  }
  return root;
}

function lastItem(list: List): AgreementItem {
  return list.items[list.items.length - 1]!;
}

/** The agreement as HTML (a fragment of block elements): see the module comment. */
export function renderAgreementHtml(text: string, options: AgreementRenderOptions = {}): string {
  const offset = Math.max(0, Math.floor(options.headingOffset ?? 0));
  const block = (b: AgreementBlock): string => {
    if (b.kind === 'heading') {
      const h = `h${Math.min(b.level + offset, 6)}`;
      return `<${h}>${escapeHtml(b.text)}</${h}>`;
    }
    if (b.kind === 'paragraph') return `<p>${escapeHtml(b.text)}</p>`;
    const tag = b.ordered ? 'ol' : 'ul';
    const start = b.ordered && b.start !== 1 ? ` start="${b.start}"` : '';
    return `<${tag}${start}>${b.items.map((i) => `<li>${escapeHtml(i.text)}${i.blocks.map(block).join('')}</li>`).join('')}</${tag}>`;
  };
  return parseAgreementText(text).map(block).join('');
}
