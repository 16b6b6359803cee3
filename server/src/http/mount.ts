import type express from 'express';
import type { z } from 'zod';
import { ErrorCode, Id, ParleyError, type HttpRoute, type PathParamNames, type RouteResult } from '@parley/shared';
import { presentedBy, type AccessGate, type Caller } from '../auth/AccessGate.ts';

/** What a route handler is given besides the request and response. */
export interface RouteContext<R extends HttpRoute> {
  /** Who called, as the route's audience requires (already authenticated and authorised). */
  caller: Caller<R['who']>;
  /** The body parsed with the route's schema; a typed 400 if it is not valid. Called where the handler needs it. */
  body: () => R['body'] extends z.ZodType ? z.infer<R['body']> : never;
  /** A path parameter that must be an id; anything else is "not found". */
  param: (name: PathParamNames<R['path']>) => string;
  /** Sends the route's JSON answer (or its empty 204) with the route's status. */
  reply: (data: RouteResult<R>) => void;
}

export type RouteHandler<R extends HttpRoute> = (req: express.Request, res: express.Response, ctx: RouteContext<R>) => unknown;

/** Mounts one route of the table; `before` runs after the audience check (e.g. an upload's own body parser). */
export type Mount = <R extends HttpRoute>(route: R, handler: RouteHandler<R>, before?: express.RequestHandler[]) => void;

export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const r = schema.safeParse(body);
  if (!r.success) {
    throw new ParleyError(ErrorCode.BadRequest, 'Some of the information sent was not valid.', {
      details: r.error.issues.slice(0, 20).map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return r.data;
}

export function idParam(req: express.Request, name: string): string {
  const v = req.params[name];
  if (!Id.safeParse(v).success) throw new ParleyError(ErrorCode.NotFound, 'Not found.');
  return v as string;
}

/**
 * Routes are mounted from the table in shared/src/routes.ts, each behind the AccessGate's check of
 * its "who" column: no handler authenticates anyone itself.
 */
export function mounter(app: express.Express, gate: AccessGate): Mount {
  return (route, handler, before = []) => {
    type R = typeof route;
    const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    // Express 5 passes a rejected promise to the error handler: the typed refusal is answered as before.
    const audience: express.RequestHandler = async (req, res, next) => {
      res.locals.caller = await gate.caller(route.who, presentedBy(req.headers));
      // What the case's state allows (a concluded case changes no more): before any handler.
      await gate.allowsRoute(route, res.locals.caller as Caller<typeof route.who>, req.params as Record<string, string | undefined>);
      next();
    };
    app[method](route.path, audience, ...before, (req, res) => {
      const ctx: RouteContext<R> = {
        caller: res.locals.caller as Caller<R['who']>,
        body: () => {
          if (typeof route.body !== 'object' || route.body === null) throw new Error(`${route.method} ${route.path} takes no schema body`);
          return parseBody(route.body, req.body) as ReturnType<RouteContext<R>['body']>;
        },
        param: (name) => idParam(req, name),
        reply: (data) => {
          if (route.answer.kind === 'empty') res.status(route.answer.status).end();
          else res.status(route.answer.status).json(data);
        },
      };
      return handler(req, res, ctx);
    });
  };
}
