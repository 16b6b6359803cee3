import fs from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { z } from 'zod';
import { AddParticipantBody, BreakdownSettingsBody, ConsentBody, CreateCaseBody, ErrorCode, httpStatusFor, Id, ParleyError, SigninBody, type Health, type Me } from '@parley/shared';
import type { CaseService, Identity } from '../domain/CaseService.ts';
import { SESSION_TTL_MS, type MediatorAuth } from '../domain/MediatorAuth.ts';
import type { Logger } from '../logger.ts';
import type { Limits } from '../auth/limits.ts';
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
  /** Ends the live presence of someone whose link was just withdrawn. */
  onInvitationRevoked: (caseId: string, participantId: string) => void;
}

type Locals = { mediatorId?: string; identity?: Identity };

export interface ApiGuards {
  requireMediator: express.RequestHandler;
  requireInvitee: express.RequestHandler;
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
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self' ws: wss:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
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
  app.use('/api', express.json({ limit: '32kb', strict: true }));

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
    deps.onInvitationRevoked(detail.id, param(req, 'pid'));
    logger.info({ caseId: detail.id, participantId: req.params.pid }, 'invitation revoked');
    res.json(detail);
  });
  app.post('/api/cases/:caseId/participants/:pid/reissue', requireMediator, (req, res) => {
    const detail = cases.reissueInvitation(mediatorId(res), param(req, 'caseId'), param(req, 'pid'));
    deps.onInvitationRevoked(detail.id, param(req, 'pid'));
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

  deps.mountApi?.(app, { requireMediator, requireInvitee, mediatorId, identity, param });

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
    } else e = new ParleyError(ErrorCode.Internal, 'Something went wrong on our side. Please try again.', { cause: err });
    const level = e.code === ErrorCode.Internal ? 'error' : 'warn';
    logger[level]({ method: req.method, path: req.path, code: e.code, err: e.code === ErrorCode.Internal ? err : undefined }, 'http request refused');
    if (res.headersSent) return;
    res.status(httpStatusFor[e.code]).json({ error: e.toWire() });
  });

  return app;
}

function isBodyParserError(err: unknown): err is { type: string } {
  return typeof err === 'object' && err !== null && typeof (err as { type?: unknown }).type === 'string' && 'status' in err;
}
