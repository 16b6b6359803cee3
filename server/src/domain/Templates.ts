import {
  BUILT_IN_TEMPLATE,
  canonicalJson,
  composeAgreement,
  ErrorCode,
  ParleyError,
  ProtocolAgreement,
  TemplateClause,
  type CaseDetail,
  type CaseTemplateRef,
  type ResolvedTemplate,
  type TemplateBody,
  type TemplateDetail,
  type TemplateList,
  type TemplateVersionInfo,
} from '@parley/shared';
import { z } from 'zod';
import type { CaseService } from './CaseService.ts';
import type { EventBus } from '../events/EventBus.ts';
import { now, type Store } from '../store/Store.ts';
import { randomId } from '../crypto/randomId.ts';
import { AgreementStore, type OwnedVersionRow } from './AgreementStore.ts';

const StoredClauses = z.array(TemplateClause);

/**
 * The mediator's protocol agreement templates [3.5, 3.6.8, 3.6.12, 3.6.14]. Each save is a new,
 * never-changed version; a case points at one version, and its agreement is that version's clauses
 * plus the platform's clauses written from the case's settings (composeAgreement). Every read and
 * write is filtered by the owning mediator: another mediator's template is "not found", never
 * "forbidden", so its existence is not revealed either.
 */
export class Templates {
  readonly #store: Store;
  readonly #sql: AgreementStore;
  readonly #cases: CaseService;
  readonly #bus: EventBus;

  constructor(store: Store, cases: CaseService, bus: EventBus) {
    this.#store = store;
    this.#sql = new AgreementStore(store.kysely);
    this.#cases = cases;
    this.#bus = bus;
  }

  async list(mediatorId: string): Promise<TemplateList> {
    const counts = await this.#sql.caseCounts(mediatorId);
    return {
      templates: (await this.#sql.latestVersionsOf(mediatorId)).map((v) => ({ id: v.template_id, name: v.name, latest: info(v), caseCount: counts.get(v.template_id) ?? 0 })),
      builtIn: { name: BUILT_IN_TEMPLATE.name, clauses: BUILT_IN_TEMPLATE.clauses },
    };
  }

  async get(mediatorId: string, templateId: string): Promise<TemplateDetail> {
    const versions = await owned(this.#sql, mediatorId, templateId);
    const latest = versions[versions.length - 1]!;
    return {
      id: templateId,
      name: latest.name,
      latest: info(latest),
      caseCount: (await this.#sql.caseCounts(mediatorId)).get(templateId) ?? 0,
      clauses: clausesOf(latest),
      versions: versions.map(info),
    };
  }

  /** A new template; its first version holds these clauses. */
  async create(mediatorId: string, body: TemplateBody): Promise<TemplateDetail> {
    const id = randomId();
    const at = now();
    await this.#sql.insertTemplate({ id, mediator_id: mediatorId, created_at: at }, { id: randomId(), template_id: id, version: 1, name: body.name, clauses_json: JSON.stringify(body.clauses), created_at: at });
    return this.get(mediatorId, id);
  }

  /**
   * Saves the template as a new version; earlier versions stay as they were, and so do the cases
   * that use them until their mediator moves them. Saving what the newest version already says
   * makes no version.
   */
  async save(mediatorId: string, templateId: string, body: TemplateBody): Promise<TemplateDetail> {
    // Under the mediator's lock: two saves at once number their versions one after the other.
    await this.#sql.transaction(async (sql) => {
      await sql.lockMediator(mediatorId);
      const versions = await owned(sql, mediatorId, templateId);
      const latest = versions[versions.length - 1]!;
      if (latest.name === body.name && canonicalJson(clausesOf(latest)) === canonicalJson(body.clauses)) return;
      await sql.insertVersion({ id: randomId(), template_id: templateId, version: latest.version + 1, name: body.name, clauses_json: JSON.stringify(body.clauses), created_at: now() });
    });
    return this.get(mediatorId, templateId);
  }

  /** The version a new case or a moved case is written from; null or absent: the built-in template. */
  async resolve(mediatorId: string, versionId: string | null | undefined): Promise<ResolvedTemplate> {
    return resolved(mediatorId, versionId, versionId ? await this.#sql.getVersion(versionId) : undefined);
  }

  /** Which template version a case uses (null: the built-in template), with that template's newest version. */
  async refOf(caseId: string): Promise<CaseTemplateRef | null> {
    const versionId = (await this.#store.getCase(caseId))?.template_version_id;
    const v = versionId ? await this.#sql.getVersion(versionId) : undefined;
    if (!v) return null;
    const all = await this.#sql.versionsOf(v.template_id);
    const latest = all[all.length - 1] ?? v;
    return { templateId: v.template_id, name: v.name, versionId: v.id, version: v.version, latest: info(latest) };
  }

  /**
   * Moves a case to another template version (or the built-in template). The agreement is written
   * again from it and from the case's current settings; when that changes the text, the clause set
   * hash changes and everyone consents again before their next live contact (the same path as a
   * changed breakdown procedure).
   */
  async useOnCase(mediatorId: string, caseId: string, versionId: string | null): Promise<CaseDetail> {
    // The templates are the lead's: a co-mediator's own would not be theirs to keep current.
    await this.#cases.ledCase(mediatorId, caseId, 'choose the protocol agreement’s template');
    const by = await this.#cases.mediatorIdentity(mediatorId, caseId);
    const template = await this.resolve(mediatorId, versionId);
    // The case and its people are read and written under the case's lock: a change made meanwhile
    // (an assessor added, the breakdown procedure changed) is written into the agreement, not lost.
    const changed = await this.#store.caseTransaction(caseId, async (q) => {
      const facts = await this.#cases.platformFacts(caseId, q);
      const row = (await q.getCase(caseId))!;
      const current = ProtocolAgreement.parse(JSON.parse(row.agreement_json));
      const next = composeAgreement(template, facts, current.version + 1);
      const rewritten = canonicalJson(next.clauses) !== canonicalJson(current.clauses);
      const moved = (row.template_version_id ?? null) !== template.versionId;
      if (!rewritten && !moved) return null;
      await q.setCaseTemplate(caseId, template.versionId);
      if (rewritten) await q.setCaseAgreement(caseId, JSON.stringify(next), this.#cases.clauseSetHash(next));
      return rewritten;
    });
    if (changed === null) return this.#cases.caseDetail(mediatorId, caseId);
    this.#bus.emit('record.entry', {
      caseId,
      type: 'protocol.template-changed',
      actor: { id: by.participantId, displayName: by.displayName, role: by.role },
      data: { template: template.name, version: template.version },
    });
    // Earlier consents are stale now: whatever connections depended on them must end.
    if (changed) this.#bus.emit('protocol.changed', { caseId });
    return this.#cases.caseDetail(mediatorId, caseId);
  }
}

/** The template's versions, oldest first; "not found" unless it is this mediator's. */
async function owned(sql: AgreementStore, mediatorId: string, templateId: string): Promise<OwnedVersionRow[]> {
  if ((await sql.templateOwner(templateId)) !== mediatorId) throw new ParleyError(ErrorCode.NotFound, 'No such template.');
  return sql.versionsOf(templateId);
}

function resolved(mediatorId: string, versionId: string | null | undefined, v: OwnedVersionRow | undefined): ResolvedTemplate {
  if (!versionId) return BUILT_IN_TEMPLATE;
  if (!v || v.mediator_id !== mediatorId) throw new ParleyError(ErrorCode.NotFound, 'No such template version.', { details: [{ path: 'templateVersionId', message: 'not one of your templates' }] });
  return { versionId: v.id, name: v.name, version: v.version, clauses: clausesOf(v) };
}

const info = (v: OwnedVersionRow): TemplateVersionInfo => ({ id: v.id, version: v.version, createdAt: v.created_at });

/** A stored version's clauses (written by `create`/`save` from a parsed body, so they parse). */
function clausesOf(v: OwnedVersionRow): TemplateClause[] {
  return StoredClauses.parse(JSON.parse(v.clauses_json));
}
