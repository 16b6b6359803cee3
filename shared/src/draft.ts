import { z } from 'zod';
import type { Role } from './domain.ts';

/**
 * The shared agreement draft and the mediator's private notes (IMI 3.8.1/3.8.2): Yjs documents
 * served over the y-websocket protocol at `/yjs/<docName>`. Names, access rules and limits live
 * here so the server enforces exactly what the client shows.
 */

export const DRAFT_PATH_PREFIX = '/yjs/';

export const DraftDocKind = z.enum(['agreement', 'notes']);
export type DraftDocKind = z.infer<typeof DraftDocKind>;

/** Case ids are base64url (see server/src/crypto/randomId.ts); the bounds only keep junk out. */
const CASE_ID = /^[A-Za-z0-9_-]{8,64}$/;

/** `case.<caseId>.agreement` or `case.<caseId>.notes`; anything else is not a document. */
export const DraftDocName = z
  .string()
  .max(100)
  .transform((name, ctx) => {
    const m = /^case\.([^.]+)\.([a-z]+)$/.exec(name);
    const kind = m ? DraftDocKind.safeParse(m[2]) : undefined;
    if (!m || !CASE_ID.test(m[1]!) || !kind?.success) {
      ctx.addIssue({ code: 'custom', message: 'not a draft document name' });
      return z.NEVER;
    }
    return { name, caseId: m[1]!, kind: kind.data };
  });
export type DraftDocRef = z.output<typeof DraftDocName>;

export function parseDraftDocName(name: unknown): DraftDocRef | null {
  const r = DraftDocName.safeParse(name);
  return r.success ? r.data : null;
}

export function draftDocName(caseId: string, kind: DraftDocKind): string {
  return `case.${caseId}.${kind}`;
}

export type DraftAccess = 'edit' | 'read' | 'none';

/**
 * Who may open which document. The agreement belongs to everyone on the case (the assessor only
 * observes it: docs/threats.md #3); the notes are the mediator's own.
 */
export function draftAccess(role: Role, kind: DraftDocKind): DraftAccess {
  if (kind === 'notes') return role === 'mediator' ? 'edit' : 'none';
  switch (role) {
    case 'mediator':
    case 'party':
    case 'advisor':
      return 'edit';
    case 'assessor':
      return 'read';
    default:
      return 'none';
  }
}

export const DRAFT_LIMITS = {
  /** One WebSocket message (ws maxPayload); bigger frames close the socket with 1009. */
  maxMessageBytes: 512 * 1024,
  /** The whole document, encoded; an update that would pass it closes the socket with 4413. */
  maxDocumentBytes: 1024 * 1024,
  /** One awareness update message, and one person's presence state as JSON. */
  maxAwarenessMessageBytes: 16 * 1024,
  maxAwarenessStateBytes: 2 * 1024,
  /** Yjs client ids one connection may announce presence for (one per editor instance). */
  maxAwarenessClientsPerConnection: 4,
} as const;

/** Presence colours with at least 4.5:1 contrast against white caret labels. */
export const PRESENCE_COLOURS = ['#1f5fbf', '#a3362a', '#2e6b30', '#7a3fa0', '#8a5300', '#0f6a73', '#a12d6b', '#4a4f9e'] as const;

/** A stable colour per participant, the same on every screen. */
export function presenceColour(participantId: string): string {
  let h = 0;
  for (let i = 0; i < participantId.length; i++) h = (h * 31 + participantId.charCodeAt(i)) >>> 0;
  return PRESENCE_COLOURS[h % PRESENCE_COLOURS.length]!;
}

/** The `user` field of a presence (awareness) state. The server overwrites it with the authenticated person. */
export const DraftPresenceUser = z.object({
  name: z.string().max(80),
  color: z.string().regex(/^#[0-9a-f]{6}$/i),
  role: z.enum(['mediator', 'party', 'advisor', 'assessor']).optional(),
});
export type DraftPresenceUser = z.infer<typeof DraftPresenceUser>;

/**
 * `GET /api/drafts/<docName>/access` (same credentials as the WebSocket): the answer a browser
 * cannot read from a refused upgrade. `closeCode` is the named close code the connection would
 * have been closed with; a terminal one (44xx) means: stop reconnecting and show why.
 */
export const DraftAccessAnswer = z.union([
  z.object({ access: z.enum(['edit', 'read']) }),
  /** `moveTo` with `moved` (4307): the address of the node that runs the case, for the draft to connect there. */
  z.object({ error: z.object({ code: z.string(), message: z.string() }), closeCode: z.number().int(), moveTo: z.url().optional() }),
]);
export type DraftAccessAnswer = z.infer<typeof DraftAccessAnswer>;
