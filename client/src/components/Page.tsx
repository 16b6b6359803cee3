import { useEffect, useRef, type ReactNode } from 'react';

/** Sets the tab title; screen readers announce it and people with many tabs find us. */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Parley` : 'Parley';
  }, [title]);
}

/**
 * The page's h1. It takes focus when it appears so that, after an in-app navigation, keyboard and
 * screen-reader users start at the top of the new page instead of on a link that no longer exists.
 */
export function PageHeading({ children, className }: { children: ReactNode; className?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    const active = document.activeElement;
    if (!active || active === document.body || !document.contains(active)) ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1} className={className}>
      {children}
    </h1>
  );
}

/** A heading inside a page that has its own h1 (e.g. the live session): focused when it appears. */
export function SectionHeading({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus({ preventScroll: false }), []);
  return (
    <h2 ref={ref} tabIndex={-1} className="h3">
      {children}
    </h2>
  );
}

/**
 * Pages beside the live session (messages, draft, sign-off) say where the reader is, without
 * claiming what they cannot know: the same person may have the session open in another tab.
 */
export const OUTSIDE_SESSION_NOTE =
  'This page is not part of the live session: nobody sees or hears you here. If you also have the session open in another tab or on another device, the people there can still see and hear you.';
export const IN_SESSION_NOTE = 'You are still in the live session while you read this: the line at the top says who can see and hear you.';

export function Shell({ children, actions, narrow }: { children: ReactNode; actions?: ReactNode; narrow?: boolean }) {
  return (
    <div className="shell">
      <header className="site-header">
        <span className="brand">
          <svg aria-hidden="true" viewBox="0 0 24 24" width="22" height="22" className="brand-mark">
            <path d="M4 5h11a3 3 0 0 1 3 3v5a3 3 0 0 1-3 3H9l-4 3v-3.2A3 3 0 0 1 2 13V8a3 3 0 0 1 2-3Z" fill="currentColor" opacity=".85" />
            <path d="M20 9a2 2 0 0 1 2 2v4a2 2 0 0 1-2 2v2l-3-2h-4" fill="none" stroke="currentColor" strokeWidth="1.6" />
          </svg>
          Parley
        </span>
        {actions ? <div className="site-actions">{actions}</div> : null}
      </header>
      <main className={narrow ? 'page page-narrow' : 'page'}>{children}</main>
    </div>
  );
}

export function Notice({ tone = 'info', title, children }: { tone?: 'info' | 'warning' | 'error' | 'success'; title?: string; children?: ReactNode }) {
  return (
    <div className={`notice notice-${tone}`}>
      {title ? <p className="notice-title">{title}</p> : null}
      {children}
    </div>
  );
}

export function Loading({ label }: { label: string }) {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" /> {label}
    </p>
  );
}
