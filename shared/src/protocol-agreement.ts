import { DEFAULT_BREAKDOWN } from './breakdown.ts';
import type { ProtocolAgreement } from './domain.ts';
import { composeAgreement, DEFAULT_TEMPLATE_CLAUSES } from './templates.ts';

/**
 * The protocol agreement of a new case that uses the built-in template with the default settings
 * (IMI Annex 2, 3.6.8): the template's clauses as the mediator may adapt them, then the clauses the
 * platform writes from the case's settings (templates.ts). Each clause names the Annex 2 items it
 * answers. Wording is plain language for non-lawyers, and the platform's clauses stay honest about
 * what it does: media is encrypted on the network but handled unencrypted inside our media server
 * (docs/threats.md #16).
 */
export const DEFAULT_PROTOCOL_AGREEMENT: ProtocolAgreement = composeAgreement({ clauses: DEFAULT_TEMPLATE_CLAUSES }, { breakdown: DEFAULT_BREAKDOWN, assessorIds: [] });
