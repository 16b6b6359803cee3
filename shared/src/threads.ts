import { z } from 'zod';
import type { Role } from './domain.ts';

/**
 * Asynchronous text threads [2.5, 2.10]: a joint thread, one per caucus, and a private thread
 * between the mediator and each participant. They work between live sessions too.
 */
export const ThreadKind = z.enum(['joint', 'caucus', 'private']);
export type ThreadKind = z.infer<typeof ThreadKind>;

/**
 * A message's number in its thread's order, as a request names it (a page before it, read up to
 * it). Bounded by what both engines store: Postgres keeps message numbers as 32-bit integers, and a
 * larger one used to reach the database and fail there instead of being refused as malformed.
 */
export const MessageSeq = z.number().int().nonnegative().max(2_147_483_647);

export const MessageBody = z
  .string()
  .trim()
  .min(1, 'a message cannot be empty')
  .max(4000, 'messages are at most 4,000 characters');

/** The author may correct a message for this long; deletes are allowed at any time. */
export const EDIT_WINDOW_MS = 15 * 60_000;

export interface ThreadSummary {
  id: string;
  kind: ThreadKind;
  /** "Joint thread", the caucus name, or "Private: Mediator ↔ Ana". */
  title: string;
  members: Array<{ id: string; displayName: string; role: Role }>;
  unread: number;
  lastMessageAt: string | null;
}

export interface ThreadMessage {
  id: string;
  threadId: string;
  /** Order within the thread. */
  seq: number;
  author: { id: string; displayName: string; role: Role };
  /** null for a deleted message (a tombstone, shown only to the mediator). */
  body: string | null;
  at: string;
  editedAt: string | null;
  deletedAt: string | null;
}

/**
 * Who belongs to a thread of a given kind. The joint thread: everyone on the case. A caucus
 * thread: the mediator and whoever has been placed in that caucus. A private thread: the mediator
 * and that one participant. Assessors never post in party threads.
 */
export function canPostInThread(role: Role, isMember: boolean): boolean {
  return isMember && role !== 'assessor';
}

/** Deleted messages stay visible as a tombstone to the mediator only; edits need the author. */
export function canSeeTombstone(role: Role): boolean {
  return role === 'mediator';
}

export function canEditMessage(actor: { id: string }, msg: { authorId: string; at: string; deletedAt: string | null }, now = Date.now()): boolean {
  return actor.id === msg.authorId && !msg.deletedAt && now - Date.parse(msg.at) <= EDIT_WINDOW_MS;
}

export function canDeleteMessage(actor: { id: string; role: Role }, msg: { authorId: string; deletedAt: string | null }): boolean {
  return !msg.deletedAt && (actor.id === msg.authorId || actor.role === 'mediator');
}
