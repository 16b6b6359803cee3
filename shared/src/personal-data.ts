import { z } from 'zod';
import { ConsentAnswer, Role } from './domain.ts';
import { CaseState } from './lifecycle.ts';
import { ThreadKind } from './threads.ts';

/**
 * What the platform holds about one person on one case, for them to download from their own link
 * [issue 15, item 3; 2.9]: their consents and answers, the messages they wrote, their signatures,
 * and the session-record entries of what they did. Nothing another person wrote, nothing of a
 * thread they are not in.
 */
export const PersonalDataExport = z.object({
  format: z.literal('parley.personal-data/1'),
  exportedAt: z.string(),
  case: z.object({ id: z.string(), title: z.string(), mediator: z.string(), state: CaseState }),
  person: z.object({ id: z.string(), displayName: z.string(), role: Role, side: z.string().nullable() }),
  /** Each time they agreed to a version of the protocol agreement, and whether they took it back. */
  consents: z.array(z.object({ at: z.string(), clauseSetHash: z.string(), acceptedClauseIds: z.array(z.string()), withdrawnAt: z.string().nullable() })),
  /** Their declines, questions and withdrawals, with their words. */
  answers: z.array(ConsentAnswer),
  /** The messages they wrote and did not delete (a deleted message's text is gone from the platform). */
  messages: z.array(z.object({ thread: z.string(), threadKind: ThreadKind, at: z.string(), editedAt: z.string().nullable(), body: z.string() })),
  /** The agreement versions they signed. */
  signatures: z.array(z.object({ version: z.number().int(), signedAt: z.string(), textHash: z.string() })),
  /** The session record's entries of what they did, each in its plain sentence. */
  record: z.array(z.object({ seq: z.number().int(), at: z.string(), type: z.string(), sentence: z.string() })),
});
export type PersonalDataExport = z.infer<typeof PersonalDataExport>;
