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

let cached: LocationSnapshot = { path: '', hash: '' };
function read(): LocationSnapshot {
  const path = window.location.pathname.replace(/\/+$/, '') || '/';
  const hash = window.location.hash;
  if (cached.path !== path || cached.hash !== hash) cached = { path, hash };
  return cached;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener('hashchange', onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener('hashchange', onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

export function useLocation(): LocationSnapshot {
  return useSyncExternalStore(subscribe, read);
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
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
