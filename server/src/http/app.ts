import fs from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import { contentSecurityPolicy } from './csp.ts';
import { ErrorCode, httpRoutes, httpStatusFor, ParleyError, type Health } from '@parley/shared';
import { presentedBy, type AccessGate } from '../auth/AccessGate.ts';
import type { CaseService } from '../domain/CaseService.ts';
import { SESSION_TTL_MS, type MediatorAuth } from '../domain/MediatorAuth.ts';
import type { MediatorAccounts } from '../domain/MediatorAccounts.ts';
import type { Logger } from '../logger.ts';
import type { Limits } from '../auth/limits.ts';
import { KeyedRateLimiter } from '../auth/RateLimiter.ts';
import { clearedSessionCookie, sessionCookie } from './cookies.ts';
import { mounter, type Mount } from './mount.ts';
import type { ClientAddress } from './clientAddress.ts';
import { HSTS_VALUE } from './https.ts';

export interface AppDeps {
  cases: CaseService;
  /** Per-address limits of the public endpoints (sign-in, verify). */
  limits: Limits;
  auth: MediatorAuth;
  /** Mediator accounts: profiles, and the administrator's invitations (accepting one signs in). */
  accounts: MediatorAccounts;
  logger: Logger;
  clientDist: string;
  /** Who the client is (the address the per-address limits count), believing only trusted proxies. */
  client: ClientAddress;
  /** The request is answered as https (http/https.ts `servesHttps`): HSTS, and Secure cookies by default. */
  isHttps: (req: Request) => boolean;
  /** PARLEY_SECURE_COOKIES, when the operator forces it either way. */
  secureCookies: boolean | undefined;
  /** Several nodes: where else pages may connect (http/csp.ts nodeConnectSources); none on one node. */
  connectTo?: readonly string[];
  /** Several nodes on host names under one domain: the session cookie's Domain (PARLEY_COOKIE_DOMAIN). */
  cookieDomain?: string | undefined;
  isAllowedOrigin: (origin: string | undefined) => boolean;
  health: () => Promise<Health>;
  /** Decides who calls each route (the route table's "who" column). */
  gate: AccessGate;
  /** Further API routes (sign-off, …) mounted from the same table, with the same checks and error handling. */
  mountApi?: (mount: Mount, session: SessionCookie) => void;
}

/** Gives a signed-in mediator their session cookie (Secure as the request is served), for any way of signing in. */
export type SessionCookie = (req: Request, res: Response, sessionToken: string) => void;

type Locals = { ownBody?: boolean };

/**
 * The public verify endpoints (mounted by signoff/routes.ts and record/routes.ts). Anyone may call
 * them, so they are rate-limited per address here; and they take an uploaded file, so they read
 * their own body with a bound fitted to that file (VERIFY_UPLOAD_LIMITS) instead of the 32 KB of
 * ordinary API bodies.
 */
const VERIFY_PATHS = [httpRoutes.verifyAgreement.path, httpRoutes.verifyRecord.path];

/** A refusal burst of an address ends after this long without a refusal; while it lasts, one log line per this period. */
const REFUSAL_BURST_GAP_MS = 60_000;

export function createApp(deps: AppDeps): express.Express {
  const { cases, auth, logger, gate, client } = deps;
  const secure = (req: Request) => deps.secureCookies ?? deps.isHttps(req);
  const app = express();
  app.disable('x-powered-by');
  const csp = contentSecurityPolicy(deps.connectTo);
  // The same rule as client.address: req.ip, req.secure and req.hostname believe only trusted proxies.
  app.set('trust proxy', client.trust);

  app.use((req, res, next) => {
    // Browsers ignore it over plain http; over https it keeps them from ever trying http again.
    if (deps.isHttps(req)) res.setHeader('Strict-Transport-Security', HSTS_VALUE);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Permissions-Policy', 'camera=(self), microphone=(self), display-capture=(self)');
    res.setHeader('Content-Security-Policy', csp);
    next();
  });

  // State-changing API calls must come from our own pages (CSRF defence on top of SameSite=Lax).
  app.use('/api', (req, _res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD' && req.headers.origin !== undefined && !deps.isAllowedOrigin(req.headers.origin)) {
      return next(new ParleyError(ErrorCode.Forbidden, 'Requests from other sites are not accepted.'));
    }
    next();
  });

  // Public endpoints get a budget per client address (the socket's peer unless a trusted proxy
  // forwarded it), taken before any body is read, so a refused request costs no parsing.
  // A mediator invitation link is a sign-in link too, and so is asking for one by e-mail: the same budget.
  app.post([httpRoutes.signin.path, httpRoutes.emailSigninLink.path, httpRoutes.mediatorInvitation.path, httpRoutes.acceptMediatorInvitation.path], perAddressLimit('sign-in', deps.limits.signinPerAddress, client, logger));
  app.post([httpRoutes.passkeySigninOptions.path, httpRoutes.passkeySignin.path], perAddressLimit('passkey sign-in', deps.limits.signinPerAddress, client, logger));
  app.use('/api/invitation', perAddressLimit('invitation', deps.limits.invitationPerAddress, client, logger));
  app.post(VERIFY_PATHS, perAddressLimit('verify', deps.limits.verifyPerAddress, client, logger), (_req, res, next) => {
    (res.locals as Locals).ownBody = true;
    next();
  });
  const apiJson = express.json({ limit: '32kb', strict: true });
  app.use('/api', (req, res, next) => ((res.locals as Locals).ownBody ? next() : apiJson(req, res, next)));

  const mount = mounter(app, gate);
  const r = httpRoutes;

  mount(r.health, async (_req, _res, { reply }) => {
    reply(await deps.health());
  });

  const setSession: SessionCookie = (req, res, sessionToken) => {
    res.setHeader('Set-Cookie', sessionCookie(sessionToken, { secure: secure(req), maxAgeMs: SESSION_TTL_MS, domain: deps.cookieDomain }));
  };
  const startSession = async (req: Request, res: Response, s: { sessionToken: string; mediatorId: string }) => {
    setSession(req, res, s.sessionToken);
    logger.info({ mediatorId: s.mediatorId }, 'mediator signed in');
    return { mediator: (await auth.mediator(s.mediatorId))! };
  };
  mount(r.signin, async (req, res, { body, reply }) => {
    reply(await startSession(req, res, await auth.signIn(body().token)));
  });
  // The invitee confirms their name: the account is created, the link dies, they are signed in.
  mount(r.acceptMediatorInvitation, async (req, res, { body, reply }) => {
    const { token, displayName } = body();
    const mediatorId = await deps.accounts.accept(token, displayName);
    logger.info({ mediatorId }, 'mediator invitation accepted');
    reply(await startSession(req, res, await auth.openSession(mediatorId)));
  });
  mount(r.signout, async (req, res, { reply }) => {
    await auth.signOut(presentedBy(req.headers).sessionToken);
    res.setHeader('Set-Cookie', clearedSessionCookie(secure(req), deps.cookieDomain));
    reply();
  });
  mount(r.me, async (_req, _res, { caller, reply }) => {
    reply({ mediator: (await auth.mediator(caller.mediatorId))! });
  });
  // The name the mediator goes by: on the account, and re-sealed into every one of their cases;
  // organisation and statement are shown to the people they invite [3.6.14].
  mount(r.updateMe, async (_req, _res, { caller, body, reply }) => {
    const { displayName, organisation, statement, email } = body();
    const id = caller.mediatorId;
    // First: an address another account has is refused before anything changes.
    if (email !== undefined) await deps.accounts.setEmail(id, email);
    await deps.accounts.setProfile(id, { organisation, statement });
    const mediator = await auth.setDisplayName(id, displayName, await cases.resealMediatorName(id, displayName));
    logger.info({ mediatorId: id }, 'mediator profile changed');
    reply({ mediator });
  });

  mount(r.listCases, async (_req, _res, { caller, reply }) => {
    reply({ cases: await cases.listCases(caller.mediatorId) });
  });
  mount(r.createCase, async (_req, _res, { caller, body, reply }) => {
    const detail = await cases.createCase(caller.mediatorId, body());
    logger.info({ caseId: detail.id, participants: detail.participants.length }, 'case created');
    reply(detail);
  });
  mount(r.getCase, async (_req, _res, { caller, param, reply }) => {
    reply(await cases.caseDetail(caller.mediatorId, param('caseId')));
  });
  mount(r.setBreakdown, async (_req, _res, { caller, body, param, reply }) => {
    const settings = body();
    const detail = await cases.setBreakdown(caller.mediatorId, param('caseId'), settings);
    logger.info({ caseId: detail.id }, 'breakdown procedure changed');
    reply(detail);
  });
  mount(r.setWaitingRoom, async (_req, _res, { caller, body, param, reply }) => {
    const detail = await cases.setWaitingRoom(caller.mediatorId, param('caseId'), body().on);
    logger.info({ caseId: detail.id, on: detail.waitingRoom }, 'waiting room changed');
    reply(detail);
  });
  mount(r.revokeLink, async (_req, _res, { caller, param, reply }) => {
    const detail = await cases.revokeInvitation(caller.mediatorId, param('caseId'), param('pid'));
    logger.info({ caseId: detail.id, participantId: param('pid') }, 'invitation revoked');
    reply(detail);
  });
  mount(r.reissueLink, async (_req, _res, { caller, param, reply }) => {
    const detail = await cases.reissueInvitation(caller.mediatorId, param('caseId'), param('pid'));
    logger.info({ caseId: detail.id, participantId: param('pid') }, 'invitation reissued');
    reply(detail);
  });

  mount(r.invitation, async (_req, _res, { caller, reply }) => {
    reply(await cases.invitations.view(caller.identity));
  });
  mount(r.consent, async (_req, _res, { caller, body, reply }) => {
    const view = await cases.recordConsent(caller.identity, body());
    logger.info({ caseId: view.caseId, participantId: view.participant.id, clauseSetHash: view.clauseSetHash }, 'consent recorded');
    reply(view);
  });

  deps.mountApi?.(mount, setSession);

  app.use('/api', (_req, _res, next) => next(new ParleyError(ErrorCode.NotFound, 'No such API endpoint.')));

  // The built React client; every other GET path is a client-side route.
  const index = path.join(deps.clientDist, 'index.html');
  app.use(express.static(deps.clientDist, { index: false, maxAge: '1h' }));
  app.get('/{*path}', (_req, res) => {
    if (!fs.existsSync(index)) {
      res.status(503).type('text/plain').send('The Parley client is not built yet. Run `npm start`, which builds it.');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });

  // One place maps every failure to a typed JSON error; details stay in the log.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    let e: ParleyError;
    if (err instanceof ParleyError) e = err;
    else if (isBodyParserError(err)) {
      e = err.type === 'entity.too.large'
        ? new ParleyError(ErrorCode.PayloadTooLarge, 'The request was too large.', { cause: err })
        : new ParleyError(ErrorCode.BadRequest, 'The request could not be read.', { cause: err });
    } else if (isUnreadableRequest(err)) {
      // e.g. a broken %-escape in the path: the router cannot decode it (URIError, status 400).
      e = new ParleyError(ErrorCode.BadRequest, 'The address or content of the request could not be read.', { cause: err });
    } else e = new ParleyError(ErrorCode.Internal, 'Something went wrong on our side. Please try again.', { cause: err });
    const level = e.code === ErrorCode.Internal ? 'error' : 'warn';
    logger[level]({ method: req.method, path: req.path, code: e.code, err: e.code === ErrorCode.Internal ? err : undefined }, 'http request refused');
    if (res.headersSent) return;
    res.status(httpStatusFor[e.code]).json({ error: e.toWire() });
  });

  return app;
}

/**
 * A per-address budget (token bucket) for a public endpoint. Over budget: 429 rate_limited with
 * Retry-After, answered here rather than through the error handler, so that a flood is logged as
 * one warn line when its refusals start (a burst), plus one a minute with a count while it lasts,
 * not one line per request.
 */
function perAddressLimit(endpoint: string, rate: { perSecond: number; burst: number }, client: ClientAddress, logger: Logger): express.RequestHandler {
  const limiter = new KeyedRateLimiter(rate.perSecond, rate.burst);
  /** Addresses being refused: latest refusal, last log line, refusals since that line. */
  const bursts = new Map<string, { last: number; logged: number; refused: number }>();
  let lastSweep = performance.now();
  return (req, res, next) => {
    const address = client.address(req);
    const now = performance.now();
    if (limiter.take(address, now)) return next();
    let b = bursts.get(address);
    if (!b || now - b.last > REFUSAL_BURST_GAP_MS) {
      b = { last: now, logged: now, refused: 0 };
      bursts.set(address, b);
      logger.warn({ endpoint, address, perSecond: rate.perSecond, burst: rate.burst }, 'too many requests from one address: refusing');
    } else if (now - b.logged >= REFUSAL_BURST_GAP_MS) {
      logger.warn({ endpoint, address, refused: b.refused }, 'still refusing requests from one address');
      b.logged = now;
      b.refused = 0;
    }
    b.refused++;
    b.last = now;
    // Bounded by the addresses refused in the last minute.
    if (now - lastSweep > REFUSAL_BURST_GAP_MS) {
      lastSweep = now;
      for (const [a, x] of bursts) if (now - x.last > REFUSAL_BURST_GAP_MS) bursts.delete(a);
    }
    const e = new ParleyError(ErrorCode.RateLimited, 'Too many attempts from your network. Please wait a moment, then try again.');
    res.setHeader('Retry-After', String(limiter.retryAfterSeconds()));
    res.status(httpStatusFor[e.code]).json({ error: e.toWire() });
  };
}

function isBodyParserError(err: unknown): err is { type: string } {
  return typeof err === 'object' && err !== null && typeof (err as { type?: unknown }).type === 'string' && 'status' in err;
}

/**
 * Errors that express, its router or serve-static raise for a request they cannot read: a URIError
 * (or one wrapping it) from decoding the path, or any error tagged with a 4xx status. Our own
 * failures are ParleyErrors or carry no status, so they still count as internal.
 */
function isUnreadableRequest(err: unknown): boolean {
  if (err instanceof URIError || (err instanceof Error && err.cause instanceof URIError)) return true;
  if (typeof err !== 'object' || err === null) return false;
  const { status, statusCode } = err as { status?: unknown; statusCode?: unknown };
  const code = typeof status === 'number' ? status : statusCode;
  return typeof code === 'number' && code >= 400 && code < 500;
}
