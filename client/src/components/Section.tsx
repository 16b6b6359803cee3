import { useId, useState, type ReactNode } from 'react';

const KEY_PREFIX = 'parley:section:';

/**
 * Whether the section called `title` was left open, from this browser's storage: the mediator's
 * side panel is long, and a section folded away should stay folded after a reload or a rejoin.
 * Storage may be missing or refuse (private windows, locked-down browsers): then the default.
 */
export function readSectionOpen(storage: Pick<Storage, 'getItem'> | undefined, title: string, fallback: boolean): boolean {
  try {
    const v = storage?.getItem(KEY_PREFIX + title);
    return v === 'open' ? true : v === 'closed' ? false : fallback;
  } catch {
    return fallback;
  }
}

export function writeSectionOpen(storage: Pick<Storage, 'setItem'> | undefined, title: string, open: boolean): void {
  try {
    storage?.setItem(KEY_PREFIX + title, open ? 'open' : 'closed');
  } catch {
    // Not remembered; the section still opens and closes.
  }
}

const browserStorage = (): Storage | undefined => {
  try {
    return typeof window === 'undefined' ? undefined : window.localStorage;
  } catch {
    return undefined;
  }
};

/**
 * A titled region of the side panel that can be folded away, and stays as the person left it.
 * The heading names the region for screen readers; its button says whether it is open.
 */
export function Section({ title, children, defaultOpen = true, className }: { title: string; children: ReactNode; defaultOpen?: boolean; className?: string }) {
  const [open, setOpenState] = useState(() => readSectionOpen(browserStorage(), title, defaultOpen));
  const setOpen = (next: boolean) => {
    setOpenState(next);
    writeSectionOpen(browserStorage(), title, next);
  };
  const id = useId();
  return (
    <section className={`panel panel-section ${className ?? ''}`} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`} className="panel-heading">
        <button type="button" className="panel-toggle" aria-expanded={open} aria-controls={`${id}-body`} onClick={() => setOpen(!open)}>
          <span>{title}</span>
          <span className="panel-chevron" aria-hidden="true">
            {open ? '▾' : '▸'}
          </span>
        </button>
      </h2>
      <div id={`${id}-body`} className="panel-body" hidden={!open}>
        {children}
      </div>
    </section>
  );
}
