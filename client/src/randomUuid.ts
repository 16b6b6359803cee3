/**
 * The client's one way to make an id: a random version 4 UUID. Used for this browser's device id
 * (session/device-id.ts) and for the client id of a message being sent (threads/ThreadsClient.ts),
 * which the server requires to be a UUID (shared: `message:send`), so a resend is recognised.
 *
 * Uses crypto.randomUUID where there is one; a page served over plain HTTP (not a secure context,
 * e.g. a test install on a LAN address) has no randomUUID but does have getRandomValues, so the
 * same UUID is built from that instead of failing.
 */
export function randomUuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
