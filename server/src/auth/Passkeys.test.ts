import { beforeEach, describe, expect, it } from 'vitest';
import { PASSKEY_ATTEMPT_TTL_MS } from '@parley/shared';
import { getSodium } from '../crypto/sodium.ts';
import { Keyring } from '../crypto/Keyring.ts';
import { MediatorAuth } from '../domain/MediatorAuth.ts';
import { EventBus } from '../events/EventBus.ts';
import { createLogger } from '../logger.ts';
import { Store } from '../store/Store.ts';
import { captureLogs, type LogLine } from '../test/harness.ts';
import { SoftAuthenticator } from '../test/softAuthenticator.ts';
import { Passkeys } from './Passkeys.ts';

const ORIGIN = 'http://localhost:4000';

let store: Store;
let auth: MediatorAuth;
let passkeys: Passkeys;
let mediatorId: string;
let lines: LogLine[];
let clock: number;

async function fixture(opts: { maxSigninAttempts?: number } = {}) {
  const sodium = await getSodium();
  store = await Store.open({ dbPath: ':memory:' });
  let made: { publicKey: string; sealedSecretKey: string } | undefined;
  const keys = Keyring.create(sodium, sodium.crypto_secretbox_keygen(), undefined, (k) => (made = k));
  await store.putServerKey('signing', made!);
  auth = new MediatorAuth(store, keys, new EventBus(createLogger('silent')));
  mediatorId = (await auth.bootstrap('Maria Mediator')).mediatorId;
  const logs = captureLogs();
  lines = logs.lines;
  clock = Date.now();
  passkeys = new Passkeys(store, auth, {
    origins: { isAllowed: (o) => o === ORIGIN || o === 'http://127.0.0.1:4000', publicOrigin: () => ORIGIN },
    logger: logs.logger,
    clock: () => clock,
    ...opts,
  });
}

/** Adds a software passkey to the mediator's account the way the account page does. */
async function addPasskey(name = 'Laptop', who = mediatorId): Promise<SoftAuthenticator> {
  const device = new SoftAuthenticator();
  const { attemptId, options } = await passkeys.registrationOptions(who, ORIGIN);
  await passkeys.register(who, { attemptId, name, response: device.register(options, ORIGIN) });
  return device;
}

/** A sign-in answered by `device` as the page at `origin` would, as the sign-in page does. */
async function signInWith(device: SoftAuthenticator, origin = ORIGIN) {
  const { attemptId, options } = await passkeys.signinOptions(ORIGIN);
  return { attemptId, response: device.signIn(options, origin) };
}

const sessionCount = () => (store.db.prepare('SELECT COUNT(*) AS n FROM mediator_sessions').get() as { n: number }).n;
const refusals = () => lines.filter((l) => l.msg === 'passkey sign-in refused').map((l) => String(l.reason));

beforeEach(async () => {
  await fixture();
});

describe('a passkey', () => {
  it('added while signed in signs its mediator in with a new session, and is listed with its name and last use', async () => {
    const device = await addPasskey('Laptop');
    const s = await passkeys.signIn(await signInWith(device));
    expect((await auth.session(s.sessionToken))?.mediatorId).toBe(mediatorId);
    const [listed] = (await passkeys.list(mediatorId)).passkeys;
    expect(listed).toMatchObject({ name: 'Laptop' });
    expect(listed?.lastUsedAt).not.toBeNull();
  });

  it('keeps only the public key: the stored row holds no private key material', async () => {
    const device = await addPasskey();
    const row = store.db.prepare('SELECT * FROM passkeys').get() as Record<string, unknown>;
    expect(row.credential_id).toBe(device.credentialId);
    expect(Object.keys(row).sort()).toEqual(['counter', 'created_at', 'credential_id', 'id', 'last_used_at', 'mediator_id', 'name', 'public_key', 'transports_json']);
  });
});

describe('a passkey sign-in is refused, with a log line and no session,', () => {
  it('when the same answer is sent again (its attempt was used)', async () => {
    const device = await addPasskey();
    const answer = await signInWith(device);
    await passkeys.signIn(answer);
    const before = sessionCount();
    await expect(passkeys.signIn(answer)).rejects.toMatchObject({ code: 'unauthorised' });
    expect(sessionCount()).toBe(before);
    expect(refusals()).toEqual(['attempt expired, used or unknown']);
  });

  it('when the authenticator counter went back (a cloned passkey)', async () => {
    const device = await addPasskey();
    await passkeys.signIn(await signInWith(device));
    await passkeys.signIn(await signInWith(device));
    const before = sessionCount();
    device.counter = 0; // the next answer carries 1, below the stored 2
    await expect(passkeys.signIn(await signInWith(device))).rejects.toMatchObject({ code: 'unauthorised' });
    expect(sessionCount()).toBe(before);
    expect(refusals()).toEqual([expect.stringMatching(/counter/i)]);
  });

  it('when the passkey is not known here', async () => {
    await addPasskey();
    const stranger = new SoftAuthenticator();
    await expect(passkeys.signIn(await signInWith(stranger))).rejects.toMatchObject({ code: 'unauthorised', message: expect.stringMatching(/not known/) });
    expect(sessionCount()).toBe(0);
    expect(refusals()).toEqual(['unknown passkey']);
  });

  it('when the passkey was removed from the account', async () => {
    const device = await addPasskey();
    const [listed] = (await passkeys.list(mediatorId)).passkeys;
    await passkeys.remove(mediatorId, listed!.id);
    await expect(passkeys.signIn(await signInWith(device))).rejects.toMatchObject({ code: 'unauthorised' });
    expect(sessionCount()).toBe(0);
  });

  it('when the attempt expired', async () => {
    const device = await addPasskey();
    const answer = await signInWith(device);
    clock += PASSKEY_ATTEMPT_TTL_MS + 1;
    await expect(passkeys.signIn(answer)).rejects.toMatchObject({ code: 'unauthorised' });
    expect(sessionCount()).toBe(0);
    expect(refusals()).toEqual(['attempt expired, used or unknown']);
  });

  it('when the answer was made on another site', async () => {
    const device = await addPasskey();
    await expect(passkeys.signIn(await signInWith(device, 'https://evil.example'))).rejects.toMatchObject({ code: 'unauthorised' });
    expect(sessionCount()).toBe(0);
    expect(refusals()).toEqual([expect.stringMatching(/origin/i)]);
  });

  it("when the answer signs another attempt's challenge", async () => {
    const device = await addPasskey();
    const mine = await passkeys.signinOptions(ORIGIN);
    const other = await signInWith(device);
    await expect(passkeys.signIn({ attemptId: mine.attemptId, response: other.response })).rejects.toMatchObject({ code: 'unauthorised' });
    expect(sessionCount()).toBe(0);
    expect(refusals()).toEqual([expect.stringMatching(/challenge/i)]);
  });
});

describe('passkey attempts', () => {
  it('are bounded: past the limit a new sign-in is refused until the open ones expire', async () => {
    await fixture({ maxSigninAttempts: 3 });
    for (let i = 0; i < 3; i++) await passkeys.signinOptions(ORIGIN);
    await expect(passkeys.signinOptions(ORIGIN)).rejects.toMatchObject({ code: 'rate_limited' });
    clock += PASSKEY_ATTEMPT_TTL_MS + 1;
    await expect(passkeys.signinOptions(ORIGIN)).resolves.toMatchObject({ attemptId: expect.any(String) });
  });

  it("of one mediator's registration cannot be completed by another mediator", async () => {
    await store.insertMediator({ id: 'other-mediator-id', display_name: 'Otto', created_at: new Date().toISOString() });
    const device = new SoftAuthenticator();
    const { attemptId, options } = await passkeys.registrationOptions(mediatorId, ORIGIN);
    await expect(passkeys.register('other-mediator-id', { attemptId, name: 'Stolen', response: device.register(options, ORIGIN) })).rejects.toMatchObject({ code: 'unauthorised' });
    expect((await passkeys.list('other-mediator-id')).passkeys).toEqual([]);
  });

  it('need a page opened by a name: an IP address cannot be a relying party', async () => {
    await expect(passkeys.signinOptions('http://127.0.0.1:4000')).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/localhost/) });
  });
});

describe("a mediator's passkeys", () => {
  it("cannot be removed by another mediator (not found, and it stays)", async () => {
    await addPasskey();
    const [listed] = (await passkeys.list(mediatorId)).passkeys;
    await expect(passkeys.remove('other-mediator-id', listed!.id)).rejects.toThrow(expect.objectContaining({ code: 'not_found' }));
    expect((await passkeys.list(mediatorId)).passkeys).toHaveLength(1);
  });

  it('can all be removed, the last one too (the one-time link stays a way in)', async () => {
    await addPasskey();
    const [listed] = (await passkeys.list(mediatorId)).passkeys;
    expect((await passkeys.remove(mediatorId, listed!.id)).passkeys).toEqual([]);
  });
});
