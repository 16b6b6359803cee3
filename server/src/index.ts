import type http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Health, ThreadMessage } from '@parley/shared';
import { MediaPortError, mediasoupVersion, Sfu } from '@parley/sfu';
import { ConfigError, type Config } from './config.ts';
import { createLogger, type Logger } from './logger.ts';
import { Store } from './store/Store.ts';
import { getSodium } from './crypto/sodium.ts';
import { Keyring, masterKeyWarning, type MasterKeySource } from './crypto/Keyring.ts';
import { CaseService } from './domain/CaseService.ts';
import { MediatorAuth } from './domain/MediatorAuth.ts';
import { MediatorAccounts } from './domain/MediatorAccounts.ts';
import { CasePeople } from './domain/CasePeople.ts';
import { mountPeopleRoutes } from './domain/peopleRoutes.ts';
import { EmailSignIn } from './auth/EmailSignIn.ts';
import { mountAccountRoutes } from './domain/accountRoutes.ts';
import { Templates } from './domain/Templates.ts';
import { ConsentAnswers } from './domain/ConsentAnswers.ts';
import { mountAgreementRoutes } from './domain/agreementRoutes.ts';
import { createApp } from './http/app.ts';
import { clientAddress } from './http/clientAddress.ts';
import { nodeConnectSources } from './http/csp.ts';
import { createMainServer, createRedirectServer, servesHttps } from './http/https.ts';
import { DraftHub } from './draft/DraftHub.ts';
import { createIo, endAllForRestart } from './signalling/io.ts';
import { IceServers } from './auth/TurnCredentials.ts';
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
import { Schedule } from './schedule/Schedule.ts';
import { mountScheduleRoutes } from './schedule/routes.ts';
import { CaseLifecycle } from './lifecycle/CaseLifecycle.ts';
import { mountLifecycleRoutes } from './lifecycle/routes.ts';
import { PersonalData } from './lifecycle/PersonalData.ts';
import { Passkeys } from './auth/Passkeys.ts';
import { mountPasskeyRoutes } from './auth/passkeyRoutes.ts';
import { LiveSessions } from './live/LiveSessions.ts';
import { LiveStates } from './live/LiveStates.ts';
import { startMail } from './mail/startMail.ts';
import { mountMailRoutes } from './mail/routes.ts';
import { DEFAULT_LIMITS, type Limits } from './auth/limits.ts';
import { EventBus } from './events/EventBus.ts';
import { Cluster } from './cluster/Cluster.ts';
import type { PeopleNotifier } from './events/PeopleNotifier.ts';
import { readinessProbe, type ReadinessCheck } from './ops/readiness.ts';
import { createMetrics, draftRelayTimer } from './ops/metrics.ts';
import { mountOpsRoutes } from './ops/routes.ts';

export { loadConfig, type Config } from './config.ts';

export interface RunningServer {
  url: string;
  /** With TLS and PARLEY_HTTP_REDIRECT_PORT: the plain-http address that redirects to `url`. */
  redirectUrl: string | undefined;
  /** Reads PARLEY_TLS_CERT/KEY again (a renewed certificate); throws a ConfigError and keeps the old one if they do not load. Nothing without TLS. */
  reloadTls(): void;
  /** One-time sign-in link for the local mediator account (printed on the console). */
  signinUrl: string;
  mediatorCreated: boolean;
  /** Where the master key came from (main.ts warns in its banner when the data folder carries it). */
  masterKeySource: MasterKeySource;
  store: Store;
  sfu: Sfu;
  /** The running live sessions (tests read a case's state through it). */
  live: LiveSessions;
  /** Agreement draft and mediator notes (Yjs over /yjs/<docName>). */
  drafts: DraftHub;
  /** What the features tell each other (tests listen here). */
  bus: EventBus;
  logger: Logger;
  close(): Promise<void>;
  /** Which step of `close()` is running (for the log line of a shutdown cut off as too long). */
  readonly closingStep: string;
}

/** Starts the whole platform: store, keys, SFU workers, HTTP API + client, socket.io signalling. */
export async function startServer(
  config: Config,
  opts: { logger?: Logger; limits?: Limits; /** Tests: wait less for consumer acks. */ consumerAckTimeoutMs?: number } = {},
): Promise<RunningServer> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const sodium = await getSodium();
  const store = await Store.open({ dbPath: config.dbPath, databaseUrl: config.databaseUrl });
  let opened: ReturnType<typeof Keyring.open>;
  try {
    let made: { publicKey: string; sealedSecretKey: string } | undefined;
    opened = Keyring.open(sodium, { key: config.masterKey, keyFile: config.masterKeyFile, dataDir: config.dataDir }, await store.getServerKey('signing'), (k) => (made = k));
    // The first start made the signing key: kept (sealed with the master key) before anything is signed with it.
    if (made) await store.putServerKey('signing', made);
  } catch (err) {
    await store.close(); // refused to start (e.g. a copy of the data folder without its key): leave nothing open
    throw err;
  }
  const { keys, source: masterKeySource } = opened;
  // On every start, not only the first: a key beside the database travels with every copy of it.
  const keyWarning = masterKeyWarning(masterKeySource);
  if (keyWarning) logger.warn({ masterKey: masterKeySource }, keyWarning);

  let baseUrl = config.publicUrl ?? '';
  // Features tell each other what happened here; each reacting feature subscribes itself below.
  const bus = new EventBus(logger);
  // The live sessions and the sign-off are built on top of the cases, so they are looked up when asked.
  const cases: CaseService = new CaseService(store, keys, {
    inviteTtlMs: config.inviteTtlMs,
    baseUrl: () => baseUrl,
    bus,
    lookups: {
      // The node running the case knows; another reads what that node wrote (cluster/OnlineRoster.ts).
      onlineIn: (caseId) => (live.get(caseId) ? live.onlineIn(caseId) : cluster.onlineElsewhere(caseId)),
      agreementOf: (caseId) => signoff.summary(caseId),
      templateFor: (mediatorId, versionId) => templates.resolve(mediatorId, versionId),
      templateOf: (caseId) => templates.refOf(caseId),
      answersOf: (caseId, hash) => answers.ofCase(caseId, hash),
      ownAnswersOf: (caseId, pid, hash) => answers.ofPerson(caseId, pid, hash),
    },
  });
  // Protocol agreement templates and what people answer instead of agreeing [3.5, 3.6.8, 3.6.12, 3.6.14].
  const templates = new Templates(store, cases, bus);
  const answers = new ConsentAnswers(store, cases, bus);
  const auth = new MediatorAuth(store, keys, bus);
  // Several mediators; the first administers the platform and invites the others [issue 13].
  const accounts = new MediatorAccounts(store, keys, auth, { baseUrl: () => baseUrl });

  let sfu: Sfu;
  try {
    sfu = await Sfu.create({
      workers: config.workers,
      consumersPerWorker: config.streamsPerWorker,
      workerBin: config.workerBin,
      mediaPort: config.rtc.mediaPort,
      listenIp: config.rtc.listenIp,
      ...(config.rtc.announcedAddress ? { announcedAddress: config.rtc.announcedAddress } : {}),
      ...(opts.consumerAckTimeoutMs ? { consumerAckTimeoutMs: opts.consumerAckTimeoutMs } : {}),
    });
  } catch (err) {
    await store.close();
    throw err instanceof MediaPortError ? mediaPortConfigError(err, config) : err;
  }
  sfu.pool.on('workerDied', (w, error) => logger.error({ worker: w.index, pid: w.worker.pid, port: w.port, err: error }, 'mediasoup worker died; starting a replacement on the same port'));
  sfu.pool.on('workerReplaced', (w) => logger.info({ worker: w.index, pid: w.worker.pid, port: w.port }, 'mediasoup worker replaced; listening on its port again'));
  sfu.pool.on('workerReplaceFailed', (worker, port, err) => logger.error({ worker, port, err }, 'mediasoup worker could not be replaced: new cases go to the other workers'));
  const record = new SessionRecord(store, cases, keys, logger);
  record.subscribe(bus);
  const assessments = new AssessmentService(store, cases, record);
  // One gate authenticates and re-checks every connection; one registry holds them all.
  const gate = new AccessGate(cases, auth, { metricsToken: config.metricsToken });
  const connections = new Connections(gate, limits, logger);
  // Sessions set across time zones [issue 13]; the note reaches invitees only with a current consent.
  const schedule = new Schedule(store, cases, bus, { consentCurrent: (who) => gate.consentCurrent(who) });
  connections.subscribe(bus);
  // E-mail [issue 13]: invitations, schedule changes, reminders and a digest that only counts messages.
  const mail = await startMail(config.mail, { store, cases, keys, bus, logger, baseUrl: () => baseUrl });
  // Thread messages reach a person on every connection they have, each re-checked before sending;
  // the thread's members (who may read it) are counted for their mail digest.
  const people: PeopleNotifier = {
    toPeople: (ids, event, payload) => {
      connections.deliver(ids, event, payload);
      if (event === 'message:posted') void mail.notices?.messagePosted(ids, payload as ThreadMessage);
    },
  };
  const threads = new ThreadService(store, cases, people, logger);
  threads.subscribe(bus);
  // The live case announces new caucuses, placements and record entries on the bus itself.
  // Rooms, placements, holds and the pause are written through, sealed, so a restart resumes them.
  const liveStates = new LiveStates(store.kysely, { seal: (caseId, text) => cases.sealForCase(caseId, text), open: (caseId, sealed) => cases.openForCase(caseId, sealed) }, logger);
  const live = new LiveSessions(
    sfu,
    logger,
    {
      mediatorOf: (caseId) => cases.mediatorParticipantId(caseId),
      breakdownOf: (caseId) => cases.breakdownSettings(caseId),
      waitingRoomOf: (caseId) => cases.waitingRoomOn(caseId),
      mayObserveCaucus: (caseId, ids) => cases.consent.mayAssessorFollowInto(caseId, ids),
      kept: liveStates,
    },
    bus,
  );
  // After the record: a changed breakdown procedure is on record before the live case follows it.
  live.subscribe(bus);
  // Several nodes (REDIS_URL): each case runs on one node at a time; changes made on one reach the others.
  let cluster: Cluster;
  try {
    cluster = await Cluster.create(config.cluster, { bus, logger });
  } catch (err) {
    sfu.close();
    await mail.close();
    await store.close();
    throw err;
  }
  cluster.attach(live, connections, logger);

  const allowedOrigins = new Set<string>();
  const isAllowedOrigin = (origin: string | undefined) => origin === undefined || allowedOrigins.has(origin);
  // Passkeys are bound to the host name of the page they were made on (one the platform answers on).
  const passkeys = new Passkeys(store, auth, { origins: { isAllowed: (o) => allowedOrigins.has(o), publicOrigin: () => new URL(baseUrl).origin }, logger });
  const started = Date.now();
  const health = async (): Promise<Health> => ({
    status: 'ok',
    node: process.version,
    mediasoup: mediasoupVersion,
    workers: sfu.pool.size,
    uptimeSeconds: Math.round((Date.now() - started) / 1000),
  });

  // What /api/ready checks, one line each: a failure's words are public, its cause goes to the log.
  let closing: Promise<void> | undefined;
  let closingStep = 'not closing';
  const ice = new IceServers(config.turn, config.iceTransportPolicy);
  const readinessChecks: ReadinessCheck[] = [
    { name: 'accepting', failure: 'shutting down', probe: () => closing === undefined },
    { name: 'media', failure: 'no media worker is running', probe: () => sfu.pool.size > 0 },
    { name: 'store', failure: 'the database does not answer', probe: () => store.ping() },
    // Only with TURN configured: a party behind a strict firewall depends on these credentials.
    // Only with several nodes: without Redis this node can neither take a case nor send anyone on.
    ...(config.cluster ? [{ name: 'coordination', failure: 'Redis does not answer', probe: () => cluster.ping() }] : []),
    ...(config.turn ? [{ name: 'turn', failure: 'TURN credentials cannot be signed', probe: () => Boolean(ice.issue('readiness').iceServers[0]?.credential) }] : []),
  ];
  const ready = readinessProbe(readinessChecks, logger);
  // Only with a token: without one /metrics does not exist, and nothing is collected.
  const metrics = config.metricsToken
    ? createMetrics({
        live: () => live.stats(),
        media: () => sfu.mediaCounts(),
        pathReadings: () => sfu.pathReadings,
        workers: () => sfu.pool.resourceUsage(),
        connections: () => connections.countsByKind(),
        draftDocuments: (): number => drafts.stats.documents,
      })
    : undefined;

  // The draft hub is created below with the HTTP server; the source is only read at request time.
  const signoff = new SignoffService(store, cases, keys, { source: { snapshotText: (caseId) => drafts.snapshotText(caseId) }, bus, logger, record });
  signoff.subscribe(bus);
  // The end of a case [issue 15]: concluded, reopened, archived.
  const lifecycle = new CaseLifecycle({ store, cases, bus, logger, schedule, agreementOf: (caseId) => signoff.summary(caseId) });
  // Every per-address limit and log line reads the client's address through this one rule.
  const client = clientAddress(config.trustProxy);
  const publicKey = sodium.to_base64(keys.signPublicKey, sodium.base64_variants.URLSAFE_NO_PADDING);
  const app = createApp({
    cases,
    limits,
    auth,
    accounts,
    logger,
    clientDist: config.clientDist,
    client,
    isHttps: servesHttps(config, client),
    secureCookies: config.secureCookies,
    cookieDomain: config.cluster?.cookieDomain,
    ...(config.cluster ? { connectTo: nodeConnectSources({ cookieDomain: config.cluster.cookieDomain, allowedOrigins: config.allowedOrigins, secure: new URL(config.cluster.nodeUrl).protocol === 'https:' }) } : {}),
    isAllowedOrigin,
    health,
    gate,
    mountApi: (mount, setSession) => {
      mountSignoffRoutes(mount, { signoff, cases, logger, publicKey, publicUrl: () => baseUrl });
      mountAgreementRoutes(mount, { templates, answers, logger });
      mountPeopleRoutes(mount, { people: new CasePeople(store, cases, bus), logger });
      mountAccountRoutes(mount, { accounts, emailSignIn: new EmailSignIn({ accounts, auth, mailer: mail.mailer, baseUrl: () => baseUrl, logger }), logger });
      mountRecordRoutes(mount, { record, cases, publicKey });
      mountAssessmentRoutes(mount, { assessments, logger });
      mountDraftRoutes(mount, { gate, ownership: cluster.ownership });
      mountScheduleRoutes(mount, { schedule, logger });
      mountLifecycleRoutes(mount, { lifecycle, personalData: new PersonalData({ store, cases, threads, signoff, record, answers }) });
      mountMailRoutes(mount, { recipients: mail.recipients, logger });
      mountOpsRoutes(mount, { ready, metrics });
      mountPasskeyRoutes(mount, { passkeys, auth, setSession, logger });
    },
  });
  const { server, reloadTls } = createMainServer(config, app);
  // Every TCP connection, WebSockets included: once upgraded, the HTTP server no longer tracks
  // them (closeAllConnections does not reach them), but the listener still waits for them to end.
  const tcp = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    tcp.add(s);
    s.once('close', () => tcp.delete(s));
  });
  const drafts = new DraftHub({ cases, gate, connections, store, keys, logger, isAllowedOrigin, addressOf: client.address, bus, observeRelay: metrics && draftRelayTimer(metrics), ownership: cluster.ownership });
  // socket.io answers its own path; /yjs/* is ours.
  server.on('upgrade', (req, socket, head) => drafts.handleUpgrade(req, socket, head));
  const io = createIo(server, { cases, gate, connections, live, logger, isAllowedOrigin, addressOf: client.address, threads, agreementOf: (caseId) => signoff.status(caseId), ice, ownership: cluster.ownership });

  await listen(server, config.port, config.host);
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const urlHost = (p: number) => `${hostForUrl.includes(':') ? `[${hostForUrl}]` : hostForUrl}:${p}`;
  const scheme = config.tls ? 'https' : 'http';
  baseUrl ||= `${scheme}://${urlHost(port)}`;
  const ownOrigins = [new URL(baseUrl).origin, ...(config.cluster ? [new URL(config.cluster.nodeUrl).origin] : []), `${scheme}://127.0.0.1:${port}`, `${scheme}://localhost:${port}`];
  for (const o of config.allowedOrigins ?? ownOrigins) allowedOrigins.add(o);
  let redirect: http.Server | undefined;
  if (config.tls && config.httpRedirectPort !== undefined) {
    redirect = createRedirectServer({ publicUrl: config.publicUrl, httpsPort: () => port, logger });
    await listen(redirect, config.httpRedirectPort, config.host).catch((err: unknown) => {
      server.close();
      throw err;
    });
  }
  const redirectUrl = redirect ? `http://${urlHost((redirect.address() as AddressInfo).port)}` : undefined;

  const boot = await auth.bootstrap(config.mediatorName);
  logger.info(
    {
      url: baseUrl,
      redirectFrom: redirectUrl,
      trustProxy: config.trustProxy,
      turn: config.turn?.urls ?? null,
      iceTransportPolicy: config.iceTransportPolicy,
      node: process.version,
      mediasoup: mediasoupVersion,
      workers: sfu.pool.size,
      // What the firewall must let in for audio and video: each port, UDP and TCP.
      mediaPorts: sfu.pool.ports().map((p) => p.port),
      mediaListenIp: config.rtc.listenIp,
      mediaAnnouncedAddress: config.rtc.announcedAddress,
      db: store.path,
    },
    'parley started',
  );

  return {
    url: baseUrl,
    redirectUrl,
    reloadTls,
    signinUrl: `${baseUrl}/signin#token=${boot.signinToken}`,
    mediatorCreated: boot.created,
    masterKeySource,
    store,
    sfu,
    live,
    drafts,
    bus,
    logger,
    get closingStep() {
      return closingStep;
    },
    close() {
      closing ??= (async () => {
        // No new connections from here on (/api/ready says so too); open ones are ended below.
        const listenerClosed = new Promise<void>((r) => server.close(() => r()));
        const redirectClosed = redirect ? new Promise<void>((r) => redirect.close(() => r())) : undefined;
        closingStep = 'telling everyone connected';
        const sockets = await endAllForRestart(io, live, SOCKET_GOODBYE_MS);
        // Draft clients get the same 4503; every pending Yjs update is stored before the store closes.
        closingStep = 'storing the drafts';
        await drafts.close();
        connections.close();
        closingStep = 'closing socket.io';
        await io.close();
        // Idle keep-alive HTTP connections would hold the listener open.
        server.closeAllConnections();
        redirect?.closeAllConnections();
        closingStep = 'closing the listener';
        // The listener closes only when every connection has. A WebSocket whose closing handshake
        // the browser has not answered (socket.io closes politely and would wait 30 s) held the
        // shutdown until it was cut off, about one restart e2e run in five: after the goodbye's
        // bound, whatever is still open is cut (the goodbye itself was sent and flushed before).
        if (!(await settlesWithin(listenerClosed, SOCKET_GOODBYE_MS))) {
          logger.warn({ open: tcp.size }, 'connections still open after the goodbye: cut');
          for (const s of tcp) s.destroy();
        }
        await listenerClosed;
        await redirectClosed;
        // The live sessions' state, kept for their return, is written before the store closes.
        closingStep = 'keeping the live sessions';
        await live.settled();
        // What the last requests set off on the bus (a caucus's thread and its members, record
        // entries, voided signatures) is written before the store closes, not cut off by it. The
        // threads first: they may add record entries of their own.
        closingStep = 'finishing what the last changes set off';
        await threads.settled();
        await Promise.all([record.settled(), signoff.settled()]);
        // Their state is stored: the cases this node ran may start on another node at once.
        closingStep = 'handing the cases to the other nodes';
        await cluster.close();
        closingStep = 'closing the media workers, the mail and the store';
        sfu.close();
        await mail.close();
        await store.close();
        closingStep = 'stopped';
        logger.info({ sockets }, 'parley stopped');
      })();
      return closing;
    },
  };
}

/**
 * A media port that cannot be opened is the operator's to fix: name the variable. An address that
 * is not this machine's is PARLEY_RTC_LISTEN_IP's fault; anything else (a port in use, a port
 * below 1024 without the right) is PARLEY_MEDIA_PORT's.
 */
function mediaPortConfigError(err: MediaPortError, config: Config): ConfigError {
  if (/address not available/i.test(err.reason)) {
    return new ConfigError(`the media server cannot listen on ${err.ip}: it is not an address of this machine (${err.reason})`, { cause: err, variable: 'PARLEY_RTC_LISTEN_IP' });
  }
  const which = config.workers > 1 ? `UDP and TCP, worker ${err.worker + 1} of ${config.workers}` : 'UDP and TCP';
  const hint = /already in use/i.test(err.reason)
    ? 'another program (or another Parley) holds it: stop it or choose another first port'
    : 'choose another first port';
  return new ConfigError(`media port ${err.port} (${which}) cannot be opened on ${err.ip}: ${hint}; worker i listens on PARLEY_MEDIA_PORT + i (${err.reason})`, { cause: err, variable: 'PARLEY_MEDIA_PORT' });
}

/** How long shutdown waits for sockets to take their restart notice before closing them anyway. */
const SOCKET_GOODBYE_MS = 2_000;

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Whether `p` settles within `ms` (it keeps running either way). */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    return await Promise.race([p.then(() => true, () => true), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
