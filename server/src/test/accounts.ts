import type { MediatorInvitationCreated } from '@parley/shared';
import type { RunningServer } from '../index.ts';
import { api } from './harness.ts';

/** The token of a mediator invitation or sign-in link (`…#token=…`). */
export const linkTokenOf = (url: string): string => new URL(url).hash.replace('#token=', '');

/** The administrator invites a mediator; returns the one-time link. */
export async function inviteMediator(server: RunningServer, adminCookie: string, displayName: string, email?: string): Promise<MediatorInvitationCreated> {
  const r = await api<MediatorInvitationCreated>(server, 'POST', '/api/mediators/invitations', { cookie: adminCookie, body: { displayName, ...(email ? { email } : {}) } });
  if (r.status !== 201) throw new Error(`invite failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Accepts an invitation link; returns the new account's session cookie. */
export async function acceptInvitation(server: RunningServer, url: string, displayName: string): Promise<string> {
  const res = await fetch(`${server.url}/api/mediator-invitation/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: linkTokenOf(url), displayName }),
  });
  if (res.status !== 200) throw new Error(`accept failed: ${res.status} ${await res.text()}`);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

/** A second mediator account on the platform, signed in: invited by the administrator, accepted. */
export async function secondMediator(server: RunningServer, adminCookie: string, displayName = 'Bea Second'): Promise<string> {
  const { url } = await inviteMediator(server, adminCookie, displayName);
  return acceptInvitation(server, url, displayName);
}
