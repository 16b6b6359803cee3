import { isIP } from 'node:net';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { COSEALG } from '@simplewebauthn/server/helpers';
import { ErrorCode, MAX_PASSKEYS, ParleyError, PASSKEY_ATTEMPT_TTL_MS, type AddPasskeyBody, type PasskeyAttempt, type PasskeyList, type PasskeySigninBody } from '@parley/shared';
import type { Logger } from '../logger.ts';
import type { MediatorAuth } from '../domain/MediatorAuth.ts';
import { now, type Store } from '../store/Store.ts';
import { randomId } from '../crypto/randomId.ts';
import { PasskeyAttempts, type Attempt } from './PasskeyAttempts.ts';
import { PasskeyStore, type PasskeyRow } from './PasskeyStore.ts';

/** Which page origins the platform answers on (the CSRF check's list) and the one it was configured with. */
export interface PasskeyOrigins {
  isAllowed: (origin: string) => boolean;
  /** PARLEY_PUBLIC_URL's origin, or the address the platform printed: for a request without an Origin header. */
  publicOrigin: () => string;
}

/** Sign-in attempts anyone may start at once (see PasskeyAttempts: full means "try again in a minute"). */
const MAX_SIGNIN_ATTEMPTS = 500;
/** Registrations in progress: one per signed-in mediator; the bound is for many mediators at once. */
const MAX_REGISTRATION_ATTEMPTS = 100;

/**
 * The signature algorithms offered and accepted: the library's usual three, named here so that it
 * does not probe the runtime for post-quantum ones (Node 24 warns on the console when it does).
 */
const ALGORITHMS = [COSEALG.EdDSA, COSEALG.ES256, COSEALG.RS256];

const NOT_CONFIRMED = 'This passkey could not be confirmed. Please try again, or sign in with the one-time link.';

/**
 * The mediator's passkeys [issue 13]: adding one while signed in, signing in with one, listing and
 * removing them. @simplewebauthn/server builds the options and checks every answer (signature,
 * challenge, origin, relying party, counter); this class decides which challenge an answer must
 * meet, whose passkey it is, and what is kept: the public key, never a secret. A passkey sign-in
 * opens the same session as the one-time link (MediatorAuth.openSession), so sign-out ends it and
 * every connection opened with it the same way.
 *
 * Usernameless: the sign-in options name no credential, the browser offers the passkeys it holds
 * for this site, and the answer's credential id says whose it is.
 */
export class Passkeys {
  readonly #sql: PasskeyStore;
  readonly #auth: MediatorAuth;
  readonly #origins: PasskeyOrigins;
  readonly #logger: Logger;
  readonly #signins: PasskeyAttempts;
  readonly #registrations: PasskeyAttempts;

  constructor(store: Store, auth: MediatorAuth, deps: { origins: PasskeyOrigins; logger: Logger; clock?: () => number; maxSigninAttempts?: number }) {
    this.#sql = new PasskeyStore(store.kysely);
    this.#auth = auth;
    this.#origins = deps.origins;
    this.#logger = deps.logger;
    this.#signins = new PasskeyAttempts({ max: deps.maxSigninAttempts ?? MAX_SIGNIN_ATTEMPTS, ttlMs: PASSKEY_ATTEMPT_TTL_MS, now: deps.clock });
    this.#registrations = new PasskeyAttempts({ max: MAX_REGISTRATION_ATTEMPTS, ttlMs: PASSKEY_ATTEMPT_TTL_MS, now: deps.clock });
  }

  async list(mediatorId: string): Promise<PasskeyList> {
    return { passkeys: (await this.#sql.ofMediator(mediatorId)).map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at })) };
  }

  /** Options for adding a passkey, bound to a new attempt of this mediator (an earlier one of theirs ends). */
  async registrationOptions(mediatorId: string, origin: string | undefined): Promise<PasskeyAttempt> {
    const rp = this.#relyingParty(origin);
    const mine = await this.#sql.ofMediator(mediatorId);
    if (mine.length >= MAX_PASSKEYS) throw new ParleyError(ErrorCode.Conflict, `You have ${MAX_PASSKEYS} passkeys, the most an account can have. Remove one you no longer use first.`);
    const me = await this.#auth.mediator(mediatorId);
    if (!me) throw new ParleyError(ErrorCode.Unauthorised, 'Please sign in.');
    const options = await generateRegistrationOptions({
      rpName: 'Parley',
      rpID: rp.rpID,
      userName: me.displayName,
      userDisplayName: me.displayName,
      // The user handle the passkey keeps: the account's random id, nothing personal.
      userID: new TextEncoder().encode(mediatorId),
      timeout: PASSKEY_ATTEMPT_TTL_MS,
      attestationType: 'none',
      // The same authenticator twice would be two entries for one device.
      excludeCredentials: mine.map((r) => ({ id: r.credential_id, transports: transportsOf(r) })),
      // Discoverable, so that sign-in needs no name typed; unlocking the device is asked for where it can be.
      authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
      supportedAlgorithmIDs: ALGORITHMS,
    });
    const attemptId = this.#registrations.open({ challenge: options.challenge, ...rp }, mediatorId);
    return { attemptId, options: options as unknown as PasskeyAttempt['options'] };
  }

  /** Checks the authenticator's answer to this mediator's attempt and keeps the new passkey. */
  async register(mediatorId: string, body: AddPasskeyBody): Promise<PasskeyList> {
    const attempt = this.#registrations.take(body.attemptId, mediatorId);
    let info: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
    try {
      info = await verifyRegistrationResponse({
        // The schema checked the shape and bounded every string; the library checks what they say.
        response: body.response as RegistrationResponseJSON,
        expectedChallenge: attempt.challenge,
        expectedOrigin: attempt.origin,
        expectedRPID: attempt.rpID,
        requireUserVerification: false,
        supportedAlgorithmIDs: ALGORITHMS,
      });
    } catch (err) {
      this.#logger.warn({ mediatorId, reason: reasonOf(err) }, 'passkey not added: the answer did not verify');
      throw new ParleyError(ErrorCode.BadRequest, 'This passkey could not be added. Please try again.', { cause: err });
    }
    if (!info.verified) throw new ParleyError(ErrorCode.BadRequest, 'This passkey could not be added. Please try again.');
    const { credential } = info.registrationInfo;
    if (await this.#sql.byCredentialId(credential.id)) throw new ParleyError(ErrorCode.Conflict, 'This passkey is already added.');
    if ((await this.#sql.ofMediator(mediatorId)).length >= MAX_PASSKEYS) throw new ParleyError(ErrorCode.Conflict, `You have ${MAX_PASSKEYS} passkeys, the most an account can have.`);
    const id = randomId();
    await this.#sql.insert({
      id,
      mediator_id: mediatorId,
      credential_id: credential.id,
      public_key: Buffer.from(credential.publicKey).toString('base64url'),
      counter: credential.counter,
      transports_json: JSON.stringify(body.response.response.transports ?? credential.transports ?? []),
      name: body.name,
      created_at: now(),
      last_used_at: null,
    });
    this.#logger.info({ mediatorId, passkeyId: id }, 'passkey added');
    return this.list(mediatorId);
  }

  /**
   * Removes one of the mediator's passkeys. Allowed even for the last one: the one-time link
   * printed at start remains a way in.
   */
  async remove(mediatorId: string, passkeyId: string): Promise<PasskeyList> {
    if (!(await this.#sql.remove(mediatorId, passkeyId))) throw new ParleyError(ErrorCode.NotFound, 'There is no such passkey on your account.');
    this.#logger.info({ mediatorId, passkeyId }, 'passkey removed');
    return this.list(mediatorId);
  }

  /** Options for signing in: no credential named (the browser offers the ones it holds), bound to a new attempt. */
  async signinOptions(origin: string | undefined): Promise<PasskeyAttempt> {
    const rp = this.#relyingParty(origin);
    const options = await generateAuthenticationOptions({ rpID: rp.rpID, userVerification: 'preferred', timeout: PASSKEY_ATTEMPT_TTL_MS });
    let attemptId: string;
    try {
      attemptId = this.#signins.open({ challenge: options.challenge, ...rp });
    } catch (err) {
      this.#logger.warn({ open: this.#signins.size }, 'passkey sign-in refused: too many attempts in progress');
      throw err;
    }
    return { attemptId, options: options as unknown as PasskeyAttempt['options'] };
  }

  /**
   * Checks a sign-in answer against its attempt and the stored passkey. On success the passkey's
   * counter moves on and a session opens; any failure (unknown or removed passkey, an attempt
   * expired or used, a signature, origin or counter that does not hold) is one typed refusal and a
   * log line saying which, and no session.
   */
  async signIn(body: PasskeySigninBody): Promise<{ sessionToken: string; mediatorId: string; passkeyId: string }> {
    let attempt: Attempt;
    try {
      attempt = this.#signins.take(body.attemptId);
    } catch (err) {
      this.#refuse('attempt expired, used or unknown', {});
      throw err;
    }
    const row = await this.#sql.byCredentialId(body.response.id);
    if (!row) {
      this.#refuse('unknown passkey', {});
      throw new ParleyError(ErrorCode.Unauthorised, 'This passkey is not known here: it may have been removed. Sign in with the one-time link instead.');
    }
    const handle = body.response.response.userHandle;
    if (handle !== undefined && Buffer.from(handle, 'base64url').toString('utf8') !== row.mediator_id) {
      this.#refuse('user handle of another account', { passkeyId: row.id });
      throw new ParleyError(ErrorCode.Unauthorised, NOT_CONFIRMED);
    }
    let verified: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
    try {
      verified = await verifyAuthenticationResponse({
        response: body.response as AuthenticationResponseJSON,
        expectedChallenge: attempt.challenge,
        expectedOrigin: attempt.origin,
        expectedRPID: attempt.rpID,
        credential: { id: row.credential_id, publicKey: Buffer.from(row.public_key, 'base64url'), counter: row.counter, transports: transportsOf(row) },
        requireUserVerification: false,
      });
    } catch (err) {
      this.#refuse(reasonOf(err), { passkeyId: row.id });
      throw new ParleyError(ErrorCode.Unauthorised, NOT_CONFIRMED, { cause: err });
    }
    if (!verified.verified) {
      this.#refuse('signature did not verify', { passkeyId: row.id });
      throw new ParleyError(ErrorCode.Unauthorised, NOT_CONFIRMED);
    }
    // The library refuses a counter that went back; this refuses one taken meanwhile by a racing sign-in.
    if (!(await this.#sql.markUsed(row.id, verified.authenticationInfo.newCounter, now()))) {
      this.#refuse('counter already used', { passkeyId: row.id });
      throw new ParleyError(ErrorCode.Unauthorised, NOT_CONFIRMED);
    }
    const session = await this.#auth.openSession(row.mediator_id);
    return { ...session, passkeyId: row.id };
  }

  #refuse(reason: string, at: { passkeyId?: string }): void {
    this.#logger.warn({ ...at, reason }, 'passkey sign-in refused');
  }

  /**
   * The relying party of a ceremony: the page's origin (one the platform answers on) and its host
   * name, which the passkey is bound to. WebAuthn accepts no IP address as a relying party, so a
   * platform opened as http://127.0.0.1 is told to use a name (localhost, or its public name).
   */
  #relyingParty(origin: string | undefined): { origin: string; rpID: string } {
    const o = origin ?? this.#origins.publicOrigin();
    if (!this.#origins.isAllowed(o)) throw new ParleyError(ErrorCode.Forbidden, 'Requests from other sites are not accepted.');
    let host: string;
    try {
      host = new URL(o).hostname;
    } catch (cause) {
      throw new ParleyError(ErrorCode.BadRequest, 'The address of this page could not be read.', { cause });
    }
    if (isIP(host.replace(/^\[|\]$/g, '')) !== 0) {
      throw new ParleyError(ErrorCode.BadRequest, 'Passkeys work only when Parley is opened by a name, such as localhost or parley.example.org, not by a number address. Sign in with the one-time link.');
    }
    return { origin: o, rpID: host };
  }
}

/** The transport hints kept with a passkey ("internal", "hybrid", …): only ever passed back to the browser. */
function transportsOf(r: PasskeyRow): string[] {
  const t: unknown = JSON.parse(r.transports_json);
  return Array.isArray(t) ? t.filter((x): x is string => typeof x === 'string') : [];
}

/** The library's reason for a refusal (e.g. "Response counter value 3 was lower than expected 5"), for the log only. */
function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message.slice(0, 200) : 'unknown';
}
