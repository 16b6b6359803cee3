import './CharCount.css';
/**
 * The length limit of a text field and how much of it is used ("132 / 140"), shown under fields
 * whose `maxLength` would otherwise cut typing or pasting silently. Give the field
 * `aria-describedby={id}` (together with its other descriptions): a screen reader then reads
 * "132 of 140 characters" with the field. Nothing is announced while typing until the text is
 * near the limit; from there a polite live region says how many characters are left.
 *
 * Lengths are counted as `maxLength` and the zod schemas count them (UTF-16 code units), so the
 * number shown is the one the field and the server enforce.
 */
export function CharCount({ id, value, max, className }: { id: string; value: string; max: number; className?: string }) {
  const used = value.length;
  const left = Math.max(0, max - used);
  const near = left <= nearThreshold(max);
  const spoken = left === 0 ? `Limit reached: ${fmt(max)} characters.` : near ? `${fmt(left)} ${left === 1 ? 'character' : 'characters'} left.` : '';
  return (
    <div className={['char-count', near ? 'char-count-near' : '', left === 0 ? 'char-count-full' : '', className ?? ''].filter(Boolean).join(' ')}>
      <span id={id}>
        <span aria-hidden="true">
          {fmt(used)} / {fmt(max)}
          {left === 0 ? ' · limit reached' : ''}
        </span>
        <span className="sr-only">
          {fmt(used)} of {fmt(max)} characters
        </span>
      </span>
      {/* Always in the page, so that assistive technology is listening before it first speaks. */}
      <span className="sr-only" aria-live="polite" aria-atomic="true">
        {spoken}
      </span>
    </div>
  );
}

/** The length limit of a zod string schema of shared/src, so that a field's maxLength and counter follow it. */
export function limitOf(schema: { maxLength: number | null }): number {
  if (schema.maxLength === null) throw new Error('this schema sets no maximum length');
  return schema.maxLength;
}

/** "Near" is the last tenth of the allowance, at least 10 characters: 14 of 140, 6 of 60 → 10, 400 of 4,000. */
export function nearThreshold(max: number): number {
  return Math.max(10, Math.floor(max / 10));
}

const fmt = (n: number) => n.toLocaleString('en-GB');
