import { z } from 'zod';
import { ASSESSOR_CAUCUS_CLAUSE_ID, ASSESSOR_CLAUSE_ID, withAssessorClauses } from './assessment.ts';
import { BREAKDOWN_CLAUSE_ID, breakdownClause, type BreakdownSettings } from './breakdown.ts';
import { CO_MEDIATOR_CLAUSE_ID, withCoMediatorClause } from './co-mediators.ts';
import type { ProtocolClause } from './clause.ts';
import { TemplateVersionInfo, type ProtocolAgreement } from './domain.ts';

/**
 * Protocol agreement templates [3.5, 3.6.8, 3.6.12, 3.6.14]. A mediator keeps their own wording of
 * the terms they set (fees, conflicts of interest, disclosure, recording, governing law, language)
 * in templates; each save is a new immutable version, and a case uses one version. The clauses
 * that describe what the platform itself does (how media travels, who may be present, who reads
 * stored information, the breakdown procedure, the assessor) are never in a template: they are
 * written here from the case's real settings every time, so no template can promise something
 * the platform does not do.
 */

// -------------------------------------------------------------------------------------------------
// The clauses the platform writes

export const PLATFORM_ICT_CLAUSE_ID = 'platform';
export const PRESENCE_CLAUSE_ID = 'presence';
export const STORED_INFORMATION_CLAUSE_ID = 'stored-information';

/** Ids of the clauses written by the platform: a template may not use them. */
export const PLATFORM_CLAUSE_IDS: readonly string[] = [
  PLATFORM_ICT_CLAUSE_ID,
  PRESENCE_CLAUSE_ID,
  STORED_INFORMATION_CLAUSE_ID,
  BREAKDOWN_CLAUSE_ID,
  ASSESSOR_CLAUSE_ID,
  ASSESSOR_CAUCUS_CLAUSE_ID,
  CO_MEDIATOR_CLAUSE_ID,
];
export const isPlatformClause = (id: string): boolean => PLATFORM_CLAUSE_IDS.includes(id);

/**
 * What the platform does, in words it must keep true: media is encrypted on the network but handled
 * unencrypted inside our media server (docs/threats.md #16); nothing records audio or video, only
 * the written session record of events.
 */
const PLATFORM_ICT: ProtocolClause = {
  id: PLATFORM_ICT_CLAUSE_ID,
  title: 'This online platform and its risks',
  body:
    'Sessions take place by video, audio and text on this platform, in a web browser, with no installation. ' +
    'Online meetings can suffer from poor connections, delays, and misunderstandings that would not happen ' +
    'in a room together. Tell the mediator at any time if you cannot see, hear or follow what is happening. ' +
    'Video and audio are encrypted on the network, but our media server decrypts them in its memory to ' +
    'forward them to the other participants; they are not end-to-end encrypted. The platform makes no audio ' +
    'or video recording of the sessions; it keeps a written record of what happens (who joined, left or was ' +
    'moved, announcements, interruptions), which the mediator can read.',
  imi: ['2.9', '3.3', '3.4', '3.6.4', '3.6.5', '3.6.7', '3.6.9'],
};

const PRESENCE: ProtocolClause = {
  id: PRESENCE_CLAUSE_ID,
  title: 'Who may be present',
  body:
    'Only the people listed on this case may take part: the mediator, the parties, their named advisors, and ' +
    'a co-mediator or an assessor only if one is disclosed to you. Everyone present is shown on screen with their role. ' +
    'Each person joins with their own personal link and must not pass it on.',
  imi: ['3.6.10', '3.6.14'],
};

/**
 * Promises no deletion: the platform has no retention period and no erasure yet, so the clause
 * says so instead of naming one. Whoever builds them writes the period here from the setting.
 */
const STORED_INFORMATION: ProtocolClause = {
  id: STORED_INFORMATION_CLAUSE_ID,
  title: 'Who may access stored information',
  body:
    'Messages and the agreement draft are stored encrypted on the platform’s server. The mediator and the ' +
    'participants of each conversation can read it; the platform’s operator holds the keys and does not read ' +
    'it. The platform does not delete a case’s stored information after a set period: it keeps it for as ' +
    'long as the case exists on the platform. Ask the mediator how long they keep it.',
  imi: ['2.9', '3.6.11'],
};

/** What the platform writes for a case, from its settings; the assessor clauses follow its participants. */
export interface PlatformFacts {
  breakdown: BreakdownSettings;
  /** Participant ids of the case's assessors, in invitation order (none: no assessor clauses). */
  assessorIds: readonly string[];
  /** The lead mediator's participant id and the co-mediators' (none: no co-mediation clause). */
  mediators?: { leadId: string; coIds: readonly string[] };
}

/** The platform's clauses for these settings, without the assessor ones (withAssessorClauses places those). */
export function platformClauses(facts: Pick<PlatformFacts, 'breakdown'>): ProtocolClause[] {
  return [PLATFORM_ICT, PRESENCE, STORED_INFORMATION, breakdownClause(facts.breakdown)];
}

// -------------------------------------------------------------------------------------------------
// The clauses a template holds

export const TEMPLATE_LIMITS = {
  nameMax: 80,
  titleMax: 120,
  bodyMax: 3000,
  clausesMax: 16,
  /** All titles and bodies together: a template must fit the API's 32 KB bodies with room to spare. */
  totalChars: 20_000,
} as const;

export const TemplateName = z.string().trim().min(1, 'a template needs a name').max(TEMPLATE_LIMITS.nameMax, `names are at most ${TEMPLATE_LIMITS.nameMax} characters`);
export const ClauseTitle = z.string().trim().min(1, 'a clause needs a title').max(TEMPLATE_LIMITS.titleMax, `titles are at most ${TEMPLATE_LIMITS.titleMax} characters`);
export const ClauseText = z.string().trim().min(1, 'a clause needs some text').max(TEMPLATE_LIMITS.bodyMax, `a clause is at most ${TEMPLATE_LIMITS.bodyMax} characters`);

/** One clause the mediator wrote. Its id is stable across versions (the consent records ids). */
export const TemplateClause = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9-]{2,40}$/, 'a clause id is 2–40 lowercase letters, digits or dashes')
    .refine((id) => !isPlatformClause(id), 'this clause is written by the platform from the case’s settings and cannot be in a template'),
  title: ClauseTitle,
  body: ClauseText,
  /** IMI Annex 2 items the clause answers, e.g. "3.5". */
  imi: z.array(z.string().regex(/^\d{1,2}(\.\d{1,2}){0,2}$/, 'not an IMI item number')).max(10).default([]),
});
export type TemplateClause = z.infer<typeof TemplateClause>;

/** POST /api/templates and PUT /api/templates/:templateId: a template's name and clauses (each save is a new version). */
export const TemplateBody = z
  .strictObject({
    name: TemplateName,
    clauses: z.array(TemplateClause).max(TEMPLATE_LIMITS.clausesMax, `a template has at most ${TEMPLATE_LIMITS.clausesMax} clauses`),
  })
  .superRefine((t, ctx) => {
    const seen = new Set<string>();
    t.clauses.forEach((c, i) => {
      if (seen.has(c.id)) ctx.addIssue({ code: 'custom', path: ['clauses', i, 'id'], message: 'two clauses have the same id' });
      seen.add(c.id);
    });
    const total = t.clauses.reduce((n, c) => n + c.title.length + c.body.length, 0);
    if (total > TEMPLATE_LIMITS.totalChars) ctx.addIssue({ code: 'custom', path: ['clauses'], message: `all clauses together are at most ${TEMPLATE_LIMITS.totalChars} characters` });
  });
export type TemplateBody = z.infer<typeof TemplateBody>;

/**
 * The subjects a mediator is expected to cover, with the default wording of the built-in template.
 * The wording is a starting point the mediator adapts; it claims nothing about the platform that
 * the platform's own clauses do not already say.
 */
export const DEFAULT_TEMPLATE_CLAUSES: TemplateClause[] = [
  {
    id: 'process',
    title: 'How mediation works and what the mediator does',
    body:
      'Mediation is voluntary. The mediator is neutral: they help the parties talk and look for an agreement, ' +
      'but they do not decide who is right and do not give legal advice to either side. Any party may stop ' +
      'the mediation at any time. Nothing is agreed until a written agreement is signed by every party.',
    imi: ['1', '3.3', '3.6.1', '3.6.8'],
  },
  {
    id: 'confidentiality',
    title: 'Confidentiality and privacy',
    body:
      'What is said in the mediation is confidential. You agree not to share it outside the mediation, and ' +
      'not to let anyone see or hear the session from your side without everyone’s agreement. What you tell ' +
      'the mediator in a private meeting (a caucus) stays private unless you allow the mediator to share it.',
    imi: ['1', '2.9', '3.6.5', '3.6.8'],
  },
  {
    id: 'fees',
    title: 'Fees and the costs of meeting online',
    body:
      'The mediator’s fees, and how they are shared between the parties, are set out in the mediator’s terms ' +
      'of engagement. Meeting online adds no fee for this platform: there is nothing to buy or install. You pay ' +
      'for your own device and internet connection; video uses a lot of mobile data, so use Wi-Fi where you can. ' +
      'If the cost of a device or a connection would keep you from taking part on equal terms, tell the mediator ' +
      'before the first session.',
    imi: ['3.4', '3.5'],
  },
  {
    id: 'conflict-of-interest',
    title: 'Conflicts of interest',
    body:
      'The mediator has no personal, professional or financial link to any party, or to what the dispute is ' +
      'about, that they have not told you about. The mediator does not use what they learn here, or their ' +
      'contact with you online, for anything outside this mediation (no other work, marketing or social media). ' +
      'If something the mediator does online outside the mediation looks to you like a conflict of interest, ' +
      'tell them: they will discuss it openly with everyone.',
    imi: ['3.6.12'],
  },
  {
    id: 'disclosure',
    title: 'Who the mediator is and who runs this platform',
    body:
      'Before the first session the mediator tells you their professional background and accreditation, the ' +
      'organisation they work for (if any), and how to complain about them. This platform is Parley, ' +
      'open-source mediation software; the mediator tells you who runs the server it runs on. Nobody takes ' +
      'part in the mediation without being listed on it and disclosed to you.',
    imi: ['3.6.14'],
  },
  {
    id: 'recording',
    title: 'No recording by participants',
    body:
      'You agree not to record the sessions yourself: no screen, audio or video recording, and no screenshots, ' +
      'unless every participant agrees in writing first.',
    imi: ['2.9', '3.6.5', '3.6.8'],
  },
  {
    id: 'governing-law',
    title: 'Governing law and place of the mediation',
    body:
      'The law that governs this agreement and the mediation, and the place where the mediation is treated as ' +
      'taking place (its seat), are those stated in the mediator’s terms of engagement. Where each of you is ' +
      'when you join does not change them.',
    imi: ['3.6.8'],
  },
  {
    id: 'language',
    title: 'Language of the mediation',
    body:
      'The mediation is held in the language agreed with the mediator before the first session. If you cannot ' +
      'follow, say so at once: the mediator can pause and explain again. If you need an interpreter, tell the ' +
      'mediator before the first session; an interpreter, like anyone else, takes part only if listed on the case.',
    imi: ['3.4', '3.6.2'],
  },
];

/** The name of the built-in template every mediator has, which a case uses unless another is chosen. */
export const BUILT_IN_TEMPLATE_NAME = 'Parley default';

/** A template version as a case is written from it: null id and version for the built-in template. */
export interface ResolvedTemplate {
  versionId: string | null;
  name: string;
  version: number | null;
  clauses: TemplateClause[];
}

export const BUILT_IN_TEMPLATE: ResolvedTemplate = { versionId: null, name: BUILT_IN_TEMPLATE_NAME, version: null, clauses: DEFAULT_TEMPLATE_CLAUSES };

/**
 * A case's protocol agreement: the template version's clauses as the mediator wrote them, then the
 * platform's clauses written from the case's settings (with the co-mediation and assessor clauses
 * after "Who may be present"). Pure: the same template and settings always give the same agreement, so the clause set
 * hash changes exactly when one of them does.
 */
export function composeAgreement(template: { clauses: readonly TemplateClause[] }, facts: PlatformFacts, version = 1): ProtocolAgreement {
  const own: ProtocolClause[] = template.clauses.map((c) => ({ id: c.id, title: c.title, body: c.body, imi: [...c.imi] }));
  const withAssessors = withAssessorClauses({ version, clauses: [...own, ...platformClauses(facts)] }, facts.assessorIds);
  return facts.mediators ? withCoMediatorClause(withAssessors, facts.mediators.leadId, facts.mediators.coIds) : withAssessors;
}

// -------------------------------------------------------------------------------------------------
// What the mediator sees

/** One of the mediator's templates in a list: its newest version. */
export const TemplateSummary = z.object({
  id: z.string(),
  name: z.string(),
  latest: TemplateVersionInfo,
  /** Cases of this mediator using any version of it. */
  caseCount: z.number().int(),
});
export type TemplateSummary = z.infer<typeof TemplateSummary>;

/** A template with the clauses of its newest version and every version saved. */
export const TemplateDetail = TemplateSummary.extend({
  clauses: z.array(TemplateClause),
  versions: z.array(TemplateVersionInfo),
});
export type TemplateDetail = z.infer<typeof TemplateDetail>;

/** GET /api/templates: the mediator's templates, and the built-in one (its clauses, to start from). */
export const TemplateList = z.object({
  templates: z.array(TemplateSummary),
  builtIn: z.object({ name: z.string(), clauses: z.array(TemplateClause) }),
});
export type TemplateList = z.infer<typeof TemplateList>;

/** PUT /api/cases/:caseId/template: the template version the case uses (null: the built-in template). */
export const CaseTemplateBody = z.strictObject({ templateVersionId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'not a template version').nullable() });
export type CaseTemplateBody = z.infer<typeof CaseTemplateBody>;
