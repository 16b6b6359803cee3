import { z } from 'zod';

/**
 * One clause of the protocol agreement. In a file of its own because both the case's domain
 * (domain.ts) and the breakdown settings that write one of the clauses (breakdown.ts) need it, and
 * domain.ts needs breakdown.ts: kept in either, the two would import each other.
 */
export const ProtocolClause = z.object({
  id: z.string().regex(/^[a-z0-9-]{2,40}$/),
  title: z.string().min(1).max(120),
  /** Plain-language text the participant reads before ticking. */
  body: z.string().min(1).max(4000),
  /** IMI Annex 2 items this clause answers (e.g. "3.6.13"). */
  imi: z.array(z.string()).max(10),
  /**
   * A choice each person may decline without losing access (e.g. the assessor following into their
   * caucuses). Consent records which optional clauses were accepted; all others are required.
   */
  optional: z.boolean().optional(),
});
export type ProtocolClause = z.infer<typeof ProtocolClause>;
