import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

/**
 * A tiny router on `location.pathname` + `location.hash`. No library: the app has six screens.
 * Navigation uses the History API and a custom event so `useLocation` re-renders on both our own
 * pushes and the browser's back/forward buttons.
 */

const NAVIGATE_EVENT = 'parley:navigate';

export interface LocationSnapshot {
  path: string;
  hash: string;
}

function normalise(pathname: string): string {
  return pathname.replace(/\/+$/, '') || '/';
}

let cached: LocationSnapshot = { path: '', hash: '' };
function read(): LocationSnapshot {
  const path = normalise(window.location.pathname);
  const hash = window.location.hash;
  if (cached.path !== path || cached.hash !== hash) cached = { path, hash };
  return cached;
}

function subscribe(onChange: () => void): () => void {
  listenToHistory();
  window.addEventListener('hashchange', onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    window.removeEventListener('hashchange', onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

/**
 * A screen that must not be left without asking (the live session): while set, an in-app
 * navigation to another page, and the browser's Back or Forward button to another page of the
 * app, call `ask` instead of changing the page. `proceed` then goes where the person was headed.
 * Leaving the app altogether (reload, close, another site) is the screen's `beforeunload`.
 */
export interface NavigationBlocker {
  ask: (proceed: () => void) => void;
}

let blocker: { path: string; ask: NavigationBlocker['ask'] } | null = null;
/** The address the app shows: where a refused Back or Forward is put back to. */
let shownHref = '';
let listening = false;

function pathOf(href: string): string {
  return normalise(new URL(href, window.location.href).pathname);
}

/** Blocks leaving the page shown now; returns the release (which only releases this blocker). */
export function blockNavigation(b: NavigationBlocker): () => void {
  listenToHistory();
  const mine = { path: normalise(window.location.pathname), ask: b.ask };
  blocker = mine;
  return () => {
    if (blocker === mine) blocker = null;
  };
}

function listenToHistory(): void {
  if (listening) return;
  listening = true;
  shownHref = window.location.href;
  // One listener for the whole app, so a refused Back is undone before any screen re-reads the address.
  window.addEventListener('popstate', () => {
    const b = blocker;
    if (b && normalise(window.location.pathname) !== b.path) {
      // The browser has already moved. Put the page's address back on top of where it went, so
      // "Leave" is one step back to exactly there and "Stay" leaves the history as it was.
      window.history.pushState(null, '', shownHref);
      b.ask(() => {
        if (blocker === b) blocker = null;
        window.history.back();
      });
      return;
    }
    shownHref = window.location.href;
    window.dispatchEvent(new Event(NAVIGATE_EVENT));
  });
  window.addEventListener('hashchange', () => {
    shownHref = window.location.href;
  });
}

export function useLocation(): LocationSnapshot {
  return useSyncExternalStore(subscribe, read);
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const b = blocker;
  if (b && pathOf(to) !== b.path) {
    b.ask(() => {
      if (blocker === b) blocker = null;
      go(to, options);
    });
    return;
  }
  go(to, options);
}

function go(to: string, options: { replace?: boolean }): void {
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  shownHref = window.location.href;
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
  window.scrollTo(0, 0);
}

/** Reads `key=value` pairs from a fragment such as `#t=abc` or `#token=abc`. */
export function hashParam(hash: string, key: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const value = params.get(key);
  return value && value.length > 0 ? value : null;
}

export interface Route<P> {
  match(path: string): P | null;
}

/** `/cases/:caseId/session` → `{ caseId }`; segments are decoded, nothing else is parsed. */
export function route(pattern: string): Route<Record<string, string>> {
  const parts = pattern.split('/').filter(Boolean);
  return {
    match(path) {
      const segs = path.split('/').filter(Boolean);
      if (segs.length !== parts.length) return null;
      const params: Record<string, string> = {};
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i] as string;
        const seg = segs[i] as string;
        if (part.startsWith(':')) {
          try {
            params[part.slice(1)] = decodeURIComponent(seg);
          } catch {
            return null;
          }
        } else if (part !== seg) return null;
      }
      return params;
    },
  };
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string; children: ReactNode };

/** An ordinary link (works with middle-click, copy address, screen readers) that navigates in place. */
export function Link({ to, onClick, children, ...rest }: LinkProps) {
  function handle(e: MouseEvent<HTMLAnchorElement>) {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  }
  return (
    <a href={to} onClick={handle} {...rest}>
      {children}
    </a>
  );
}
