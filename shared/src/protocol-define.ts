import { z } from 'zod';

/**
 * The building blocks of `events.ts`: each socket message is written once, as one entry, and
 * everything else (the schemas the server validates with, the result types both ends use, the
 * handler groups, the table in docs/protocol.md) is derived from that entry.
 */

/** The server's handler files (server/src/signalling/handlers/<group>.ts), one per concern. */
export type HandlerGroupName = 'session' | 'rooms' | 'moderation' | 'threads';

export interface RequestDef<G extends HandlerGroupName, P extends z.ZodType, R extends z.ZodType> {
  /** Which handler file answers it. */
  group: G;
  /** Who may send it, in a few words (the server's handler decides; this is for readers of the doc). */
  who: string;
  /** One line for docs/protocol.md: what it does and which notifications follow. */
  doc: string;
  /** Validated by the server before any handler runs. */
  payload: P;
  /** What the ack carries on success (never validated: it comes from our own server). */
  result: R;
}

export const request = <G extends HandlerGroupName, P extends z.ZodType, R extends z.ZodType>(def: RequestDef<G, P, R>): RequestDef<G, P, R> => def;

export interface NotificationDef<P extends z.ZodType> {
  /** One line for docs/protocol.md: who receives it and when. */
  doc: string;
  payload: P;
}

export const notification = <P extends z.ZodType>(def: NotificationDef<P>): NotificationDef<P> => def;

/** Names under which a schema is shown in docs/protocol.md instead of being spelled out. */
export const wireNames = z.registry<{ name: string }>();

/** Shows `schema` as `name` in the generated doc; the schema itself is unchanged. */
export function named<S extends z.ZodType>(schema: S, name: string): S {
  if (!wireNames.has(schema)) wireNames.add(schema, { name });
  return schema;
}

/**
 * A server→client shape declared as a TypeScript type rather than a schema (results and
 * notifications come from our own server and are never parsed). Shown as `name` in the doc.
 */
export const typed = <T>(name: string): z.ZodType<T> => named(z.custom<T>(), name);
