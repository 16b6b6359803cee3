/**
 * The invitee's link token, kept for this tab in sessionStorage: a reload (or a phone that drops
 * the fragment) still works, and other pages of the tab (/assess, a mediator page opened by
 * mistake) can lead back to the invitation.
 */
const TOKEN_KEY = 'parley.invitationToken';

export function readInvitationToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function storeInvitationToken(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Private mode may forbid storage; the link in the address bar still works.
  }
}
