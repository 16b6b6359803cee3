import { useId } from 'react';
import { RATING_SCALE, RATINGS, scorecardSections, type ItemRating } from '@parley/shared';

const SECTIONS = scorecardSections();

/**
 * One rating control per IMI Annex 2 item (2.1–2.11, 3.1–3.9), grouped under the document's
 * headings in foldable sections that say how many items are rated. A native select per item: it
 * works with the keyboard, a screen reader and a thumb at 390 px.
 */
export function Ratings({
  ratings,
  onRate,
  busyItem,
  compact,
}: {
  ratings: Record<string, ItemRating>;
  onRate: (itemId: string, rating: ItemRating | null) => void;
  busyItem: string | null;
  compact: boolean;
}) {
  const uid = useId();
  return (
    <div className="scorecard-ratings">
      <details className="scorecard-scale">
        <summary>What the ratings mean</summary>
        <dl>
          {RATINGS.map((r) => (
            <div key={r}>
              <dt>{RATING_SCALE[r].label}</dt>
              <dd>{RATING_SCALE[r].description}</dd>
            </div>
          ))}
        </dl>
      </details>
      {SECTIONS.map((s) => {
        const rated = s.items.filter((i) => ratings[i.id]).length;
        return (
          <details key={s.id} className="scorecard-section" open={!compact}>
            <summary>
              <span className="scorecard-section-title">
                {s.id} {s.title}
              </span>{' '}
              <span className="scorecard-count">
                {rated} of {s.items.length} rated
              </span>
            </summary>
            <ul className="scorecard-items">
              {s.items.map((item) => {
                const id = `${uid}-${item.id}`;
                return (
                  <li key={item.id} className="scorecard-item">
                    <label htmlFor={id}>
                      <span className="scorecard-item-id">{item.id}</span> {item.title}
                    </label>
                    {compact ? null : (
                      <p className="scorecard-item-text" id={`${id}-text`}>
                        {item.text}
                      </p>
                    )}
                    <select
                      id={id}
                      value={ratings[item.id] ?? ''}
                      disabled={busyItem === item.id}
                      aria-describedby={compact ? undefined : `${id}-text`}
                      onChange={(e) => onRate(item.id, (e.target.value || null) as ItemRating | null)}
                    >
                      <option value="">Not rated</option>
                      {RATINGS.map((r) => (
                        <option key={r} value={r}>
                          {RATING_SCALE[r].label}
                        </option>
                      ))}
                    </select>
                  </li>
                );
              })}
            </ul>
          </details>
        );
      })}
    </div>
  );
}

/** The item picker for notes: "No particular item", then every item under its heading. */
export function ItemOptions() {
  return (
    <>
      <option value="">No particular item</option>
      {SECTIONS.map((s) => (
        <optgroup key={s.id} label={`${s.id} ${s.title}`}>
          {s.items.map((i) => (
            <option key={i.id} value={i.id}>
              {i.id} {i.title}
            </option>
          ))}
        </optgroup>
      ))}
    </>
  );
}

export function itemLabel(itemId: string | null): string | null {
  if (!itemId) return null;
  for (const s of SECTIONS) {
    const item = s.items.find((i) => i.id === itemId);
    if (item) return `${item.id} ${item.title}`;
  }
  return itemId;
}
