import fs from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { z } from 'zod';
import { AddParticipantBody, BreakdownSettingsBody, canJoinSession, ConsentBody, CreateCaseBody, ErrorCode, httpStatusFor, Id, ParleyError, SigninBody, UpdateMeBody, type Health, type Me } from '@parley/shared';
import type { CaseService, Identity } from '../domain/CaseService.ts';
import { SESSION_TTL_MS, type MediatorAuth } from '../domain/MediatorAuth.ts';
import type { Logger } from '../logger.ts';
import type { Limits } from '../auth/limits.ts';
import { KeyedRateLimiter } from '../auth/RateLimiter.ts';
import { clearedSessionCookie, parseCookies, SESSION_COOKIE, sessionCookie } from './cookies.ts';

export interface AppDeps {
  cases: CaseService;
  /** Per-address limits of the public endpoints (sign-in, verify). */
  limits: Limits;
  auth: MediatorAuth;
  logger: Logger;
  clientDist: string;
  secureCookies: () => boolean;
  isAllowedOrigin: (origin: string | undefined) => boolean;
  health: () => Promise<Health>;
  /** Further API routes (sign-off, …) mounted with the same guards and error handling. */
  mountApi?: (app: express.Express, guards: ApiGuards) => void;
}

type Locals = { mediatorId?: string; identity?: Identity; ownBody?: boolean };

/**
 * The public verify endpoints (mounted by signoff/routes.ts and record/routes.ts). Anyone may call
 * them, so they are rate-limited per address here; and they take an uploaded file, so they read
 * their own body with a bound fitted to that file (VERIFY_UPLOAD_LIMITS) instead of the 32 KB of
 * ordinary API bodies.
 */
export const VERIFY_PATHS = { agreement: '/api/agreement/verify', record: '/api/record/verify' } as const;

/** A refusal burst of an address ends after this long without a refusal; while it lasts, one log line per this period. */
const REFUSAL_BURST_GAP_MS = 60_000;

export interface ApiGuards {
  requireMediator: express.RequestHandler;
  /** A valid invitation link; enough for the invitation itself and for consenting. */
  requireInvitee: express.RequestHandler;
  /** A valid link whose holder agreed to the current protocol agreement: needed for any case content. */
  requireConsentedInvitee: express.RequestHandler;
  mediatorId: (res: Response) => string;
  identity: (res: Response) => Identity;
  param: (req: Request, name: string) => string;
}

export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const r = schema.safeParse(body);
  if (!r.success) {
    throw new ParleyError(ErrorCode.BadRequest, 'Some of the information sent was not valid.', {
      details: r.error.issues.slice(0, 20).map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return r.data;
}

function param(req: Request, name: string): string {
  const v = req.params[name];
  if (!Id.safeParse(v).success) throw new ParleyError(ErrorCode.NotFound, 'Not found.');
  return v as string;
}

export function createApp(deps: AppDeps): express.Express {
  const { cases, auth, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);

  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Permissions-Policy', 'camera=(self), microphone=(self), display-capture=(self)');
    // connect-src 'self' only: CSP Level 3 lets 'self' match ws:// and wss:// to our own host (the
    // socket.io and /yjs connections); `ws: wss:` would let injected script send data to any host.
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'self'; script-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
    next();
  });

  // State-changing API calls must come from our own pages (CSRF defence on top of SameSite=Lax).
  app.use('/api', (req, _res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD' && req.headers.origin !== undefined && !deps.isAllowedOrigin(req.headers.origin)) {
      return next(new ParleyError(ErrorCode.Forbidden, 'Requests from other sites are not accepted.'));
    }
    next();
  });

  // Public endpoints get a budget per remote address (trust proxy is off: the socket's peer),
  // taken before any body is read, so a refused request costs no parsing.
  app.post('/api/auth/signin', perAddressLimit('sign-in', deps.limits.signinPerAddress, logger));
  app.use('/api/invitation', perAddressLimit('invitation', deps.limits.invitationPerAddress, logger));
  app.post(Object.values(VERIFY_PATHS), perAddressLimit('verify', deps.limits.verifyPerAddress, logger), (_req, res, next) => {
    (res.locals as Locals).ownBody = true;
    next();
  });
  const apiJson = express.json({ limit: '32kb', strict: true });
  app.use('/api', (req, res, next) => ((res.locals as Locals).ownBody ? next() : apiJson(req, res, next)));

  const requireMediator = (req: Request, res: Response, next: NextFunction) => {
    const token = parseCookies(req.headers.cookie)[SESSION_COOKIE];
    const mediatorId = auth.mediatorForSession(token);
    if (!mediatorId) return next(new ParleyError(ErrorCode.Unauthorised, 'Please sign in.'));
    (res.locals as Locals).mediatorId = mediatorId;
    next();
  };
  const requireInvitee = (req: Request, res: Response, next: NextFunction) => {
    const h = req.headers.authorization;
    const token = h?.startsWith('Bearer ') ? h.slice(7).trim() : undefined;
    if (!token) return next(new ParleyError(ErrorCode.LinkInvalid, 'This link is not valid.'));
    (res.locals as Locals).identity = cases.authenticateInvite(token);
    next();
  };
  // Case content (the frozen agreement, its export, signing) is behind the same consent rule as
  // joining the session (IMI 3.6.8): a link alone shows only the invitation and the consent step.
  const requireConsentedInvitee = (req: Request, res: Response, next: NextFunction) => {
    requireInvitee(req, res, (err?: unknown) => {
      if (err) return next(err);
      const who = (res.locals as Locals).identity!;
      if (!canJoinSession({ role: who.role, consentCurrent: cases.hasCurrentConsent(who) }).allowed) {
        return next(new ParleyError(ErrorCode.ConsentRequired, 'Please read and agree to the protocol agreement first.'));
      }
      next();
    });
  };
  const mediatorId = (res: Response) => (res.locals as Locals).mediatorId!;
  const identity = (res: Response) => (res.locals as Locals).identity!;

  app.get('/api/health', async (_req, res) => {
    res.json(await deps.health());
  });

  app.post('/api/auth/signin', (req, res) => {
    const { token } = parseBody(SigninBody, req.body);
    const s = auth.signIn(token);
    res.setHeader('Set-Cookie', sessionCookie(s.sessionToken, { secure: deps.secureCookies(), maxAgeMs: SESSION_TTL_MS }));
    logger.info({ mediatorId: s.mediatorId }, 'mediator signed in');
    res.json({ mediator: auth.mediator(s.mediatorId)! } satisfies Me);
  });
  app.post('/api/auth/signout', (req, res) => {
    auth.signOut(parseCookies(req.headers.cookie)[SESSION_COOKIE]);
    res.setHeader('Set-Cookie', clearedSessionCookie(deps.secureCookies()));
    res.status(204).end();
  });
  app.get('/api/me', requireMediator, (_req, res) => {
    res.json({ mediator: auth.mediator(mediatorId(res))! } satisfies Me);
  });
  // The name the mediator goes by: on the account, and re-sealed into every one of their cases.
  app.put('/api/me', requireMediator, (req, res) => {
    const { displayName } = parseBody(UpdateMeBody, req.body);
    const id = mediatorId(res);
    const mediator = auth.setDisplayName(id, displayName, cases.resealMediatorName(id, displayName));
    logger.info({ mediatorId: id }, 'mediator name changed');
    res.json({ mediator } satisfies Me);
  });

  app.get('/api/cases', requireMediator, (_req, res) => {
    res.json({ cases: cases.listCases(mediatorId(res)) });
  });
  app.post('/api/cases', requireMediator, (req, res) => {
    const body = parseBody(CreateCaseBody, req.body);
    const detail = cases.createCase(mediatorId(res), body);
    logger.info({ caseId: detail.id, participants: detail.participants.length }, 'case created');
    res.status(201).json(detail);
  });
  app.get('/api/cases/:caseId', requireMediator, (req, res) => {
    res.json(cases.caseDetail(mediatorId(res), param(req, 'caseId')));
  });
  app.put('/api/cases/:caseId/breakdown', requireMediator, (req, res) => {
    const body = parseBody(BreakdownSettingsBody, req.body);
    const detail = cases.setBreakdown(mediatorId(res), param(req, 'caseId'), body);
    logger.info({ caseId: detail.id }, 'breakdown procedure changed');
    res.json(detail);
  });
  // One more person on an existing case, e.g. an assessor invited after the parties [3.6.10].
  app.post('/api/cases/:caseId/participants', requireMediator, (req, res) => {
    const body = parseBody(AddParticipantBody, req.body);
    const detail = cases.addParticipant(mediatorId(res), param(req, 'caseId'), body);
    logger.info({ caseId: detail.id, role: body.role }, 'participant added');
    res.status(201).json(detail);
  });
  app.post('/api/cases/:caseId/participants/:pid/revoke', requireMediator, (req, res) => {
    const detail = cases.revokeInvitation(mediatorId(res), param(req, 'caseId'), param(req, 'pid'));
    logger.info({ caseId: detail.id, participantId: req.params.pid }, 'invitation revoked');
    res.json(detail);
  });
  app.post('/api/cases/:caseId/participants/:pid/reissue', requireMediator, (req, res) => {
    const detail = cases.reissueInvitation(mediatorId(res), param(req, 'caseId'), param(req, 'pid'));
    logger.info({ caseId: detail.id, participantId: req.params.pid }, 'invitation reissued');
    res.json(detail);
  });

  app.get('/api/invitation', requireInvitee, (_req, res) => {
    res.json(cases.invitationView(identity(res)));
  });
  app.post('/api/invitation/consent', requireInvitee, (req, res) => {
    const body = parseBody(ConsentBody, req.body);
    const view = cases.recordConsent(identity(res), body);
    logger.info({ caseId: view.caseId, participantId: view.participant.id, clauseSetHash: view.clauseSetHash }, 'consent recorded');
    res.json(view);
  });

  deps.mountApi?.(app, { requireMediator, requireInvitee, requireConsentedInvitee, mediatorId, identity, param });

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
function perAddressLimit(endpoint: string, rate: { perSecond: number; burst: number }, logger: Logger): express.RequestHandler {
  const limiter = new KeyedRateLimiter(rate.perSecond, rate.burst);
  /** Addresses being refused: latest refusal, last log line, refusals since that line. */
  const bursts = new Map<string, { last: number; logged: number; refused: number }>();
  let lastSweep = performance.now();
  return (req, res, next) => {
    const address = req.socket.remoteAddress ?? 'unknown';
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
