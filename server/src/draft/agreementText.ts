import { createHash } from 'node:crypto';
import * as Y from 'yjs';

/** The Y.XmlFragment TipTap's Collaboration extension binds to (its default `field`). */
export const DRAFT_FRAGMENT = 'default';

/**
 * The canonical plain text of a draft, for sign-off: one line per block, `#`/`##`/`###` for
 * headings, `- ` and `1. ` for list items (two spaces per nesting level), marks (bold) dropped,
 * Unicode NFC, trailing spaces trimmed, no trailing blank lines. Two documents that read the same
 * give the same text and so the same hash.
 */
export function agreementPlainText(doc: Y.Doc): string {
  const lines: string[] = [];
  for (const node of doc.getXmlFragment(DRAFT_FRAGMENT).toArray()) block(node, lines, 0);
  return lines
    .map((l) => l.normalize('NFC').replace(/[ \t]+$/u, ''))
    .join('\n')
    .replace(/\n+$/u, '');
}

/** SHA-256 (hex) of the canonical text in UTF-8: anyone can check a downloaded copy with `sha256sum`. */
export function agreementHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function block(node: Y.XmlElement | Y.XmlText | Y.XmlHook, out: string[], depth: number): void {
  if (node instanceof Y.XmlText) {
    out.push(inline(node));
    return;
  }
  if (!(node instanceof Y.XmlElement)) return;
  const indent = '  '.repeat(depth);
  switch (node.nodeName) {
    case 'heading': {
      const level = Math.min(Math.max(Number(node.getAttribute('level')) || 1, 1), 6);
      out.push(`${'#'.repeat(level)} ${inline(node)}`);
      return;
    }
    case 'bulletList':
    case 'orderedList': {
      const ordered = node.nodeName === 'orderedList';
      let n = Number(node.getAttribute('start')) || 1;
      for (const item of node.toArray()) {
        if (!(item instanceof Y.XmlElement)) continue;
        const parts: string[] = [];
        for (const child of item.toArray()) block(child, parts, depth + 1);
        const marker = ordered ? `${n++}. ` : '- ';
        const [first = '', ...rest] = parts;
        // The item's own paragraph carries the marker; nested lists keep their deeper indent.
        out.push(`${indent}${marker}${first.trimStart()}`, ...rest);
      }
      return;
    }
    case 'paragraph':
      out.push(`${indent}${inline(node)}`);
      return;
    default:
      for (const child of node.toArray()) block(child, out, depth);
  }
}

function inline(node: Y.XmlElement | Y.XmlText): string {
  if (node instanceof Y.XmlText) {
    return (node.toDelta() as Array<{ insert: unknown }>).map((d) => (typeof d.insert === 'string' ? d.insert : '')).join('');
  }
  return node
    .toArray()
    .map((c) => (c instanceof Y.XmlText ? inline(c) : c instanceof Y.XmlElement && c.nodeName === 'hardBreak' ? '\n' : c instanceof Y.XmlElement ? inline(c) : ''))
    .join('');
}
