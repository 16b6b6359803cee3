import crypto from 'node:crypto';
import type { IceConfigWire, IceServerWire, IceTransportPolicyWire } from '@parley/shared';
import type { TurnConfig } from '../config.ts';

/**
 * coturn's TURN REST API credentials (coturn `use-auth-secret`, draft-uberti-behave-turn-rest):
 * username "<expiry unix seconds>:<opaque id>", credential base64(HMAC-SHA1(secret, username)).
 * coturn recomputes the HMAC with its static-auth-secret and refuses the username once its time has
 * passed, so nothing is stored and a leaked credential stops working by itself.
 */
export function turnCredential(secret: string, id: string, expiresAtSeconds: number): { username: string; credential: string } {
  const username = `${expiresAtSeconds}:${id}`;
  return { username, credential: crypto.createHmac('sha1', secret).update(username).digest('base64') };
}

/**
 * The ICE servers each transport is opened with. Only handlers of joined members call `issue`,
 * so only people let into the session (consented parties, assessors, the mediator) get TURN
 * credentials. The secret stays here; only the HMAC leaves.
 */
export class IceServers {
  readonly #turn: TurnConfig | undefined;
  readonly #policy: IceTransportPolicyWire;
  readonly #now: () => number;

  constructor(turn: TurnConfig | undefined, policy: IceTransportPolicyWire, now: () => number = Date.now) {
    this.#turn = turn;
    this.#policy = policy;
    this.#now = now;
  }

  /** Fresh credentials for `personId` (used as coturn's opaque id: its logs then name the participant, not their name). */
  issue(personId: string): IceConfigWire {
    const turn = this.#turn;
    if (!turn) return { iceServers: [], iceTransportPolicy: this.#policy, iceServersExpireAt: null };
    const expires = Math.floor(this.#now() / 1000) + turn.ttlSeconds;
    const server: IceServerWire = { urls: [...turn.urls], ...turnCredential(turn.secret, personId, expires) };
    return { iceServers: [server], iceTransportPolicy: this.#policy, iceServersExpireAt: expires * 1000 };
  }
}
