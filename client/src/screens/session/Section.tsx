import { useId, useState, type ReactNode } from 'react';

/**
 * A titled region of the side panel that can be folded away. The heading names the region for
 * screen readers; its button says whether it is open.
 */
export function Section({ title, children, defaultOpen = true, className }: { title: string; children: ReactNode; defaultOpen?: boolean; className?: string }) {
  const [open, setOpen] = useState(defaultOpen);
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
