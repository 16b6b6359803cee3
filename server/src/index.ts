import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloseCode, JOINT_ROOM, type Health } from '@parley/shared';
import { mediasoupVersion, Sfu } from '@parley/sfu';
import type { Config } from './config.ts';
import { createLogger, type Logger } from './logger.ts';
import { Store } from './store/Store.ts';
import { getSodium } from './crypto/sodium.ts';
import { Keyring, masterKeyWarning, type MasterKeySource } from './crypto/Keyring.ts';
import { CaseService } from './domain/CaseService.ts';
import { MediatorAuth } from './domain/MediatorAuth.ts';
import { createApp } from './http/app.ts';
import { DraftHub } from './draft/DraftHub.ts';
import { createIo } from './signalling/io.ts';
import { AccessGate } from './auth/AccessGate.ts';
import { Connections } from './auth/Connections.ts';
import { mountDraftRoutes } from './draft/routes.ts';
import { ThreadService } from './threads/ThreadService.ts';
import { SignoffService } from './signoff/SignoffService.ts';
import { mountSignoffRoutes } from './signoff/routes.ts';
import { SessionRecord } from './record/SessionRecord.ts';
import { mountRecordRoutes } from './record/routes.ts';
import { AssessmentService } from './assessment/AssessmentService.ts';
import { mountAssessmentRoutes } from './assessment/routes.ts';
import { LiveSessions } from './signalling/LiveSessions.ts';
import { DEFAULT_LIMITS, type Limits } from './auth/limits.ts';

export { loadConfig, type Config } from './config.ts';

export interface RunningServer {
  url: string;
  /** One-time sign-in link for the local mediator account (printed on the console). */
  signinUrl: string;
  mediatorCreated: boolean;
  /** Where the master key came from (main.ts warns in its banner when the data folder carries it). */
  masterKeySource: MasterKeySource;
  store: Store;
  sfu: Sfu;
  /** Agreement draft and mediator notes (Yjs over /yjs/<docName>). */
  drafts: DraftHub;
  logger: Logger;
  close(): Promise<void>;
}

/** Starts the whole platform: store, keys, SFU workers, HTTP API + client, socket.io signalling. */
export async function startServer(config: Config, opts: { logger?: Logger; limits?: Limits } = {}): Promise<RunningServer> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const sodium = await getSodium();
  const store = new Store(config.dbPath);
  let opened: ReturnType<typeof Keyring.open>;
  try {
    opened = Keyring.open(sodium, { key: config.masterKey, keyFile: config.masterKeyFile, dataDir: config.dataDir }, store.getServerKey('signing'), (k) => store.putServerKey('signing', k));
  } catch (err) {
    store.close(); // refused to start (e.g. a copy of the data folder without its key): leave nothing open
    throw err;
  }
  const { keys, source: masterKeySource } = opened;
  // On every start, not only the first: a key beside the database travels with every copy of it.
  const keyWarning = masterKeyWarning(masterKeySource);
  if (keyWarning) logger.warn({ masterKey: masterKeySource }, keyWarning);

  let baseUrl = config.publicUrl ?? '';
  const cases = new CaseService(store, keys, { inviteTtlMs: config.inviteTtlMs, baseUrl: () => baseUrl });
  const auth = new MediatorAuth(store, keys);

  const sfu = await Sfu.create({
    workers: config.workers,
    workerBin: config.workerBin,
    rtcMinPort: config.rtc.minPort,
    rtcMaxPort: config.rtc.maxPort,
    listenIp: config.rtc.listenIp,
    ...(config.rtc.announcedAddress ? { announcedAddress: config.rtc.announcedAddress } : {}),
  });
  sfu.pool.on('workerDied', (w, error) => logger.error({ pid: w.pid, err: error }, 'mediasoup worker died; starting a replacement'));
  const record = new SessionRecord(store, cases, keys, logger);
  const assessments = new AssessmentService(store, cases, record);
  // Optional clauses (the assessor following into caucuses) are recorded as accepted or declined.
  cases.onConsent = (who, clauseSetHash, optionalAccepted, optionalDeclined) =>
    record.append(
      who.caseId,
      'consent.recorded',
      { id: who.participantId, displayName: who.displayName, role: who.role },
      { clauseSetHash, ...(optionalAccepted.length ? { optionalAccepted } : {}), ...(optionalDeclined.length ? { optionalDeclined } : {}) },
    );
  // One gate authenticates and re-checks every connection; one registry holds them all.
  const gate = new AccessGate(cases, auth);
  const connections = new Connections(gate, limits, logger);
  // Thread messages reach a person on every connection they have, each re-checked before sending.
  const threads = new ThreadService(store, cases, (ids, event, payload) => connections.deliver(ids, event, payload));
  const live = new LiveSessions(sfu, logger, { mediatorOf: (caseId) => cases.mediatorParticipantId(caseId), breakdownOf: (caseId) => cases.breakdownSettings(caseId), mayObserveCaucus: (caseId, ids) => cases.assessorMayFollowInto(caseId, ids) }, {
    roomCreated: (caseId, roomId, name) => threads.caucusOpened(caseId, roomId, name),
    placed: (caseId, roomId, ids) => {
      if (roomId !== JOINT_ROOM) threads.placedInCaucus(caseId, roomId, ids);
    },
    record: (caseId, type, actor, data) => record.append(caseId, type, actor, data),
  });
  cases.isOnline = (caseId, pid) => live.isOnline(caseId, pid);
  cases.onBreakdownChanged = (caseId, settings, by) => {
    record.append(caseId, 'breakdown.settings-changed', { id: by.participantId, displayName: by.displayName, role: by.role }, {
      graceSeconds: settings.graceSeconds,
      pauseJointSession: settings.pauseJointSession,
      audioOnlyFallback: settings.audioOnlyFallback,
      textFallback: settings.textFallback,
    });
    live.get(caseId)?.setBreakdown(settings);
  };

  const allowedOrigins = new Set<string>();
  const isAllowedOrigin = (origin: string | undefined) => origin === undefined || allowedOrigins.has(origin);
  const started = Date.now();
  const health = async (): Promise<Health> => ({
    status: 'ok',
    node: process.version,
    mediasoup: mediasoupVersion,
    workers: sfu.pool.size,
    uptimeSeconds: Math.round((Date.now() - started) / 1000),
  });

  // The draft hub is created below with the HTTP server; the source is only read at request time.
  const signoff = new SignoffService(store, cases, keys, { snapshotText: (caseId) => drafts.snapshotText(caseId) }, record);
  cases.agreementOf = (caseId) => signoff.summary(caseId);
  // Everyone in the live session learns at once that a version was frozen, signed or withdrawn:
  // they may be editing the very draft it came from [3.8.1].
  signoff.onChanged = (caseId) => live.get(caseId)?.notify.toAll('agreement:updated', { current: signoff.status(caseId) });
  const publicKey = sodium.to_base64(keys.signPublicKey, sodium.base64_variants.URLSAFE_NO_PADDING);
  const app = createApp({
    cases,
    limits,
    auth,
    logger,
    clientDist: config.clientDist,
    secureCookies: () => config.secureCookies ?? baseUrl.startsWith('https:'),
    isAllowedOrigin,
    health,
    gate,
    mountApi: (mount) => {
      mountSignoffRoutes(mount, { signoff, cases, logger, publicKey, publicUrl: () => baseUrl });
      mountRecordRoutes(mount, { record, cases, publicKey });
      mountAssessmentRoutes(mount, { assessments, logger });
      mountDraftRoutes(mount, { gate });
    },
    // Every connection of that person ends, live or not, socket or draft.
    onInvitationRevoked: (_caseId, participantId) => connections.closePerson(participantId, CloseCode.Revoked),
  });
  const server = http.createServer(app);
  const drafts = new DraftHub({ cases, gate, connections, store, keys, logger, isAllowedOrigin });
  drafts.onAgreementChanged((caseId) => {
    if (signoff.draftChanged(caseId)) logger.info({ caseId }, 'draft edited after freeze: pending signatures voided');
  });
  // socket.io answers its own path; /yjs/* is ours.
  server.on('upgrade', (req, socket, head) => drafts.handleUpgrade(req, socket, head));
  const io = createIo(server, { cases, gate, connections, live, logger, isAllowedOrigin, threads, agreementOf: (caseId) => signoff.status(caseId) });
  // Sign-out ends every connection opened with that session; a rewritten agreement ends the draft
  // connections of everyone whose consent it made stale.
  auth.onSessionEnded = (sessionHash) => connections.closeSession(sessionHash, CloseCode.SignedOut);
  cases.onAgreementChanged = (caseId) => connections.recheckCase(caseId);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  baseUrl ||= `http://${hostForUrl.includes(':') ? `[${hostForUrl}]` : hostForUrl}:${port}`;
  for (const o of config.allowedOrigins ?? [new URL(baseUrl).origin, `http://127.0.0.1:${port}`, `http://localhost:${port}`]) allowedOrigins.add(o);

  const boot = auth.bootstrap(config.mediatorName);
  logger.info({ url: baseUrl, node: process.version, mediasoup: mediasoupVersion, workers: sfu.pool.size, db: config.dbPath }, 'parley started');

  let closing: Promise<void> | undefined;
  return {
    url: baseUrl,
    signinUrl: `${baseUrl}/signin#token=${boot.signinToken}`,
    mediatorCreated: boot.created,
    masterKeySource,
    store,
    sfu,
    drafts,
    logger,
    close() {
      closing ??= (async () => {
        live.closeAll();
        await drafts.close();
        connections.close();
        io.close();
        await new Promise<void>((r) => server.close(() => r()));
        sfu.close();
        store.close();
      })();
      return closing;
    },
  };
}
