import { z } from 'zod';

/** The roles (domain.ts's Role, which imports this file's schemas: named here so neither imports the other both ways). */
type Role = 'mediator' | 'party' | 'advisor' | 'assessor';

/**
 * The end of a case (issue 15; docs/lifecycle.md). A case is open while the mediation runs; the
 * mediator concludes it (an agreement was signed, or it ended without one, with a reason), may
 * reopen a concluded case, and archives it when the parties no longer need it. Erasure comes last.
 */
export const CaseState = z.enum(['open', 'concluded', 'archived', 'erased']);
export type CaseState = z.infer<typeof CaseState>;

export const CaseOutcome = z.enum(['agreement', 'no-agreement']);
export type CaseOutcome = z.infer<typeof CaseOutcome>;

/** How long parties keep reading the signed agreement and their threads after the case concludes. */
export const PARTY_ACCESS_DAYS = { min: 0, max: 365, default: 30 } as const;
export const CONCLUSION_REASON_MAX = 1000;
export const REOPEN_REASON_MAX = 500;

/** Where a case stands, as the case list and case page show it. */
export const CaseLifecycle = z.object({
  state: CaseState,
  /** When it was last concluded (null while open and never concluded, or after a reopening). */
  concludedAt: z.string().nullable(),
  outcome: CaseOutcome.nullable(),
  /** The mediator's reason when it ended without agreement, or their note with an agreement. */
  reason: z.string().nullable(),
  /** Until when parties, advisors and assessors may read what they could read (null while open). */
  partyAccessUntil: z.string().nullable(),
  archivedAt: z.string().nullable(),
});
export type CaseLifecycle = z.infer<typeof CaseLifecycle>;

export const ConcludeBody = z.object({
  outcome: CaseOutcome,
  reason: z.string().trim().max(CONCLUSION_REASON_MAX),
  partyAccessDays: z.number().int().min(PARTY_ACCESS_DAYS.min).max(PARTY_ACCESS_DAYS.max),
}).refine((b) => b.outcome === 'agreement' || b.reason.length > 0, { path: ['reason'], message: 'Say why the mediation ended without an agreement.' });
export type ConcludeBody = z.infer<typeof ConcludeBody>;

export const ReopenBody = z.object({ reason: z.string().trim().min(1).max(REOPEN_REASON_MAX) });
export type ReopenBody = z.infer<typeof ReopenBody>;

/**
 * What a request does with its case, for the rule below. `read`: reads case content; `own`: the
 * person's own page, preferences and consent; `change`: changes the case or its content; `live`:
 * the live session; `assess`: an assessor's own scorecard and notes; `lifecycle`: the mediator
 * concludes, reopens or archives; `none`: not about one case.
 */
export type CaseUse = 'read' | 'own' | 'change' | 'live' | 'assess' | 'lifecycle' | 'none';

/** Where a case stands for the rule: its state, and until when people other than the mediators may read it. */
export interface CasePhase {
  state: CaseState;
  partyAccessUntil: string | null;
}

export type CaseDecision = { allowed: true } | { allowed: false; reason: 'concluded' | 'closed' };

/**
 * Whether `role` may do `use` on a case in `phase` at `now`. Open: everything. Concluded: nothing
 * changes and nobody meets; the mediators read everything and may reopen or archive; everyone
 * else reads what they could read, and sees their own page, until the access period ends; an
 * assessor may finish their appraisal. Archived: the mediators read, nobody else reaches it.
 * Erased: nothing is left to reach. Who may do a use at all is decided elsewhere (audiences, roles).
 */
export function caseAllows(phase: CasePhase, role: Role, use: CaseUse, now: Date): CaseDecision {
  if (use === 'none' || phase.state === 'open') return { allowed: true };
  const mediator = role === 'mediator';
  if (phase.state === 'concluded') {
    if (use === 'change' || use === 'live') return { allowed: false, reason: 'concluded' };
    if (mediator || use === 'assess') return { allowed: true };
    if (use === 'lifecycle') return { allowed: false, reason: 'concluded' };
    const until = phase.partyAccessUntil ? Date.parse(phase.partyAccessUntil) : Number.NEGATIVE_INFINITY;
    return now.getTime() < until ? { allowed: true } : { allowed: false, reason: 'closed' };
  }
  if (phase.state === 'archived' && mediator && (use === 'read' || use === 'lifecycle')) return { allowed: true };
  return { allowed: false, reason: 'closed' };
}

/** Which moves the mediator may make from a state (the case page offers exactly these). */
export const lifecycleMoves: Record<CaseState, ReadonlyArray<'conclude' | 'reopen' | 'archive'>> = {
  open: ['conclude'],
  concluded: ['reopen', 'archive'],
  archived: [],
  erased: [],
};

export const caseStateLabel: Record<CaseState, string> = {
  open: 'Open',
  concluded: 'Concluded',
  archived: 'Archived',
  erased: 'Erased',
};
