/**
 * The long agreement draft of the Yjs benchmarks, built the same way on every run, and the
 * helpers that read it (paragraphs of the editor's shape: one XmlText each).
 */
import * as Y from 'yjs';

export const paragraphText = (doc: Y.Doc, i: number) => (doc.getXmlFragment('default').get(i) as Y.XmlElement).get(0) as Y.XmlText;

/** Characters of text in the draft. */
export function textChars(doc: Y.Doc): number {
  let n = 0;
  for (const p of doc.getXmlFragment('default').toArray()) n += ((p as Y.XmlElement).get(0) as Y.XmlText).length;
  return n;
}

/** A small deterministic generator, so every run builds the same draft. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

export const WORDS = 'the parties agree that payment of fees shall be made within thirty days of signature and any dispute about the boundary fence will be referred to a surveyor chosen jointly'.split(' ');

/**
 * A long draft built the way a session builds one: several authors, each edit a short run of
 * typing at some place in some paragraph (Yjs stores a run typed in one go the same way whether it
 * arrived key by key or at once), new paragraphs now and then, and deletions; every author sees
 * every edit before making the next. Returns each small update in order.
 */
export function buildDraft(targetChars: number, authors: number, seed: number): { updates: Uint8Array[]; edits: number } {
  const r = rng(seed);
  const docs = Array.from({ length: authors }, () => new Y.Doc());
  const updates: Uint8Array[] = [];
  docs.forEach((d, i) =>
    d.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin === 'peer') return;
      updates.push(u);
      docs.forEach((o, j) => j !== i && Y.applyUpdate(o, u, 'peer'));
    }),
  );
  let edits = 0;
  let chars = 0;
  const targetParagraphs = Math.max(1, Math.round(targetChars / 500));
  while (chars < targetChars) {
    const d = docs[Math.floor(r() * authors)]!;
    const f = d.getXmlFragment('default');
    const roll = r();
    if (f.length === 0 || (f.length < targetParagraphs && roll < 0.1)) {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText('')]);
      f.insert(Math.floor(r() * (f.length + 1)), [p]);
    } else if (roll < 0.18 && chars > 2000) {
      const t = paragraphText(d, Math.floor(r() * f.length));
      if (t.length < 2) continue;
      const at = Math.floor(r() * (t.length - 1));
      const n = Math.min(t.length - at, 1 + Math.floor(r() * 20));
      t.delete(at, n);
      chars -= n;
    } else {
      const t = paragraphText(d, Math.floor(r() * f.length));
      let run = '';
      const words = 1 + Math.floor(r() * 10);
      for (let w = 0; w < words; w++) run += WORDS[Math.floor(r() * WORDS.length)] + ' ';
      t.insert(Math.floor(r() * (t.length + 1)), run);
      chars += run.length;
    }
    edits++;
  }
  for (const d of docs) d.destroy();
  return { updates, edits };
}
