import type { MouseEvent } from 'react';

/**
 * Follows an in-page link without changing the address: on /join and /assess the fragment holds
 * the invitation token, and a browser without sessionStorage would lose it. Focus moves with the
 * view, so keyboard and screen-reader users land where sighted users look.
 */
export function jumpTo(e: MouseEvent, id: string): void {
  const target = document.getElementById(id);
  if (!target) return;
  e.preventDefault();
  target.scrollIntoView({ block: 'start' });
  target.focus({ preventScroll: true });
}
