import { z } from 'zod';
import { ErrorCode, Id, ParleyError, Role } from '@parley/shared';
import type { Keyring } from './Keyring.ts';

/**
 * Invitation tokens: base64url(JSON payload) "." base64url(Ed25519 signature over the first part).
 * Stateless to verify; revocation is checked against the store by the caller (jti).
 */
export const InvitePayload = z
  .object({
    v: z.literal(1),
    typ: z.literal('invite'),
    cid: Id,
    pid: Id,
    role: Role,
    jti: Id,
    iat: z.number().int(),
    exp: z.number().int(),
  })
  .strict();
export type InvitePayload = z.infer<typeof InvitePayload>;

const MAX_TOKEN_LENGTH = 1024;

export function signInvite(keyring: Keyring, payload: InvitePayload): string {
  const s = keyring.sodium;
  const body = s.to_base64(s.from_string(JSON.stringify(payload)), s.base64_variants.URLSAFE_NO_PADDING);
  const sig = keyring.signDetached(s.from_string(body));
  return `${body}.${s.to_base64(sig, s.base64_variants.URLSAFE_NO_PADDING)}`;
}

/** Verifies signature, shape and expiry. Throws a ParleyError a user can be shown. */
export function verifyInvite(keyring: Keyring, token: unknown, now = Date.now()): InvitePayload {
  const invalid = (cause?: unknown) =>
    new ParleyError(ErrorCode.LinkInvalid, 'This link is not valid. Check that you copied all of it, or ask the mediator for a new one.', { cause });
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) throw invalid('not a string or too long');
  const parts = token.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw invalid('malformed');
  const s = keyring.sodium;
  let sig: Uint8Array;
  let json: string;
  try {
    sig = s.from_base64(parts[1], s.base64_variants.URLSAFE_NO_PADDING);
    json = s.to_string(s.from_base64(parts[0], s.base64_variants.URLSAFE_NO_PADDING));
  } catch (cause) {
    throw invalid(cause);
  }
  if (sig.length !== s.crypto_sign_BYTES || !keyring.verifyDetached(sig, s.from_string(parts[0]))) throw invalid('bad signature');
  let payload: InvitePayload;
  try {
    payload = InvitePayload.parse(JSON.parse(json));
  } catch (cause) {
    throw invalid(cause);
  }
  return notExpired(payload, now);
}

function notExpired(payload: InvitePayload, now: number): InvitePayload {
  if (payload.exp * 1000 <= now) {
    throw new ParleyError(ErrorCode.LinkExpired, 'This link has expired. Ask the mediator for a new link.');
  }
  return payload;
}

/**
 * verifyInvite, remembering the tokens whose signature and shape already checked out. Every socket
 * request and every message delivered re-authenticates its connection's token; the Ed25519
 * verification was the largest single cost of that (socket.io ack benchmark). A token's signature
 * cannot stop being valid (the signing key is fixed for the process), so only expiry is checked
 * again here; revocation and the participant's standing are the caller's store checks, made every
 * time as before. The oldest tokens are forgotten past `max`, costing one verification more.
 */
export class InviteVerifier {
  readonly #keyring: Keyring;
  readonly #max: number;
  readonly #verified = new Map<string, InvitePayload>();

  constructor(keyring: Keyring, max = 20_000) {
    this.#keyring = keyring;
    this.#max = max;
  }

  verify(token: unknown, now = Date.now()): InvitePayload {
    const known = typeof token === 'string' ? this.#verified.get(token) : undefined;
    if (known) return notExpired(known, now);
    const payload = Object.freeze(verifyInvite(this.#keyring, token, now));
    if (this.#verified.size >= this.#max) this.#verified.delete(this.#verified.keys().next().value!);
    this.#verified.set(token as string, payload);
    return payload;
  }
}
