import { z } from 'zod';
import type { ProtocolClause } from './clause.ts';
import { Id, type ProtocolAgreement } from './domain.ts';

/**
 * Co-mediation [issue 13; IMI Annex 2, 3.6.10, 3.6.14]. The mediator who created a case (the lead)
 * can ask colleagues on the same platform to mediate it with them. A co-mediator has the
 * mediator's powers on the case and in the live session (letting people in, caucuses, moves,
 * holds, ending the session) and reads what the mediator reads. Only the lead adds or removes
 * co-mediators; each addition or removal rewrites the clause below, so everyone consents again
 * before meeting a mediator they were not told about.
 */

export const CO_MEDIATOR_CLAUSE_ID = 'co-mediation';
export const MAX_CO_MEDIATORS = 2;

/**
 * Like the assessor clauses, the clause names people by a token holding their participant id (the
 * stored agreement is in the clear, names are sealed); CaseService fills in the names when the
 * agreement is shown, and the clause set hash covers the ids.
 */
export const mediatorToken = (participantId: string): string => `{{mediator:${participantId}}}`;
const TOKEN = /\{\{mediator:([A-Za-z0-9_-]{8,64})\}\}/g;

function nameList(ids: readonly string[]): string {
  const t = ids.map(mediatorToken);
  return t.length <= 1 ? (t[0] ?? '') : `${t.slice(0, -1).join(', ')} and ${t[t.length - 1]}`;
}

/** The clause for a case led by `leadId` with these co-mediators (participant ids, in the order added); none: no clause. */
export function coMediatorClause(leadId: string, coIds: readonly string[]): ProtocolClause | null {
  if (coIds.length === 0) return null;
  const one = coIds.length === 1;
  return {
    id: CO_MEDIATOR_CLAUSE_ID,
    title: one ? 'A co-mediator' : 'Co-mediators',
    body:
      `${nameList(coIds)} mediate${one ? 's' : ''} this case together with ${mediatorToken(leadId)}, with the same duties: ` +
      'impartiality, confidentiality, and telling you of anything that could affect their impartiality. ' +
      `${one ? 'A co-mediator' : 'Each co-mediator'} can do in the sessions everything the mediator can (let people in, ` +
      'hold private meetings, move people between rooms, mute, end the session) and reads what the mediator reads: the ' +
      'joint messages, the private messages between each person and the mediators, the messages of private meetings, ' +
      'the agreement draft and the session record. Everyone sees them listed as “Mediator”. What each mediator says ' +
      'about themselves is shown with your link.',
    imi: ['3.6.10', '3.6.14'],
  };
}

/**
 * The agreement with the co-mediation clause for exactly these co-mediators: replaced where it is,
 * otherwise inserted after "Who may be present", else appended; none: removed. Other clauses stay.
 */
export function withCoMediatorClause(agreement: ProtocolAgreement, leadId: string, coIds: readonly string[]): ProtocolAgreement {
  const fresh = coMediatorClause(leadId, coIds);
  const at = agreement.clauses.findIndex((c) => c.id === CO_MEDIATOR_CLAUSE_ID);
  const rest = agreement.clauses.filter((c) => c.id !== CO_MEDIATOR_CLAUSE_ID);
  if (!fresh) return { ...agreement, clauses: rest };
  const presence = rest.findIndex((c) => c.id === 'presence');
  const insertAt = at >= 0 ? at : presence >= 0 ? presence + 1 : rest.length;
  return { ...agreement, clauses: [...rest.slice(0, insertAt), fresh, ...rest.slice(insertAt)] };
}

/** Fills mediator tokens with names (an unknown id reads "a mediator"). */
export function renderMediatorNames(agreement: ProtocolAgreement, nameOf: (participantId: string) => string | undefined): ProtocolAgreement {
  return {
    ...agreement,
    clauses: agreement.clauses.map((c) => (c.body.includes('{{mediator:') ? { ...c, body: c.body.replace(TOKEN, (_m, id: string) => nameOf(id) ?? 'a mediator') } : c)),
  };
}

/** A colleague on the platform the lead can ask to co-mediate (active accounts other than the caller). */
export const Colleague = z.object({ id: Id, displayName: z.string(), organisation: z.string() });
export type Colleague = z.infer<typeof Colleague>;
export const ColleagueList = z.object({ colleagues: z.array(Colleague) });
export type ColleagueList = z.infer<typeof ColleagueList>;

/** POST /api/cases/:caseId/co-mediators: the colleague's account. */
export const AddCoMediatorBody = z.strictObject({ mediatorId: Id });
export type AddCoMediatorBody = z.infer<typeof AddCoMediatorBody>;
