import type { CaseDetail, NewParticipant } from '@parley/shared';
import { getSodium } from '../crypto/sodium.ts';
import { Keyring } from '../crypto/Keyring.ts';
import { CaseService, type Identity } from '../domain/CaseService.ts';
import { MediatorAuth } from '../domain/MediatorAuth.ts';
import { ConsentAnswers } from '../domain/ConsentAnswers.ts';
import { Templates } from '../domain/Templates.ts';
import { CasePeople } from '../domain/CasePeople.ts';
import { EventBus } from '../events/EventBus.ts';
import { createLogger } from '../logger.ts';
import { Store } from '../store/Store.ts';
import { testDatabaseUrl } from './engine.ts';
import { randomUUID } from 'node:crypto';

/**
 * The domain services without a server, for unit tests: a real store (a file or memory), a fresh
 * master key, a mediator "Maria Mediator", one case with `participants`, and the event bus the
 * services announce on (subscribe a feature to it to test its reaction). Templates and consent
 * answers are wired into the cases as the server wires them.
 */
export async function caseFixture(participants: Array<Omit<NewParticipant, 'side'> & { side: string | null }>, file = ':memory:') {
  const sodium = await getSodium();
  // On Postgres (PARLEY_TEST_ENGINE) a database of its own, whatever `file` says.
  const store = await Store.open({ dbPath: file, databaseUrl: await testDatabaseUrl(file === ':memory:' ? `memory-${randomUUID()}` : file) });
  let made: { publicKey: string; sealedSecretKey: string } | undefined;
  const keys = Keyring.create(sodium, sodium.crypto_secretbox_keygen(), undefined, (k) => (made = k));
  await store.putServerKey('signing', made!);
  const bus = new EventBus(createLogger('silent'));
  const auth = new MediatorAuth(store, keys, bus);
  const { mediatorId } = await auth.bootstrap('Maria Mediator');
  const cases: CaseService = new CaseService(store, keys, {
    inviteTtlMs: 3600_000,
    baseUrl: () => 'http://x',
    bus,
    lookups: {
      templateFor: (m, v) => templates.resolve(m, v),
      templateOf: (c) => templates.refOf(c),
      answersOf: (c, h) => answers.ofCase(c, h),
      ownAnswersOf: (c, p, h) => answers.ofPerson(c, p, h),
    },
  });
  const templates = new Templates(store, cases, bus);
  const answers = new ConsentAnswers(store, cases, bus);
  const people = new CasePeople(store, cases, bus);
  const detail = await cases.createCase(mediatorId, { title: 'Fence dispute', participants });
  /** The identity a person's link would give them. */
  const who = (name: string, d: CaseDetail = detail): Identity => {
    const p = d.participants.find((x) => x.displayName === name)!;
    return { caseId: d.id, participantId: p.id, role: p.role, displayName: p.displayName, side: p.side, phase: { state: 'open', partyAccessUntil: null } };
  };
  return { store, keys, bus, auth, cases, people, templates, answers, mediatorId, detail, who };
}
