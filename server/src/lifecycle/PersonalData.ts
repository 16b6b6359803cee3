import { describeEntry, type PersonalDataExport } from '@parley/shared';
import type { CaseService, Identity } from '../domain/CaseService.ts';
import type { ConsentAnswers } from '../domain/ConsentAnswers.ts';
import type { SessionRecord } from '../record/SessionRecord.ts';
import type { SignoffService } from '../signoff/SignoffService.ts';
import type { Store } from '../store/Store.ts';
import type { ThreadService } from '../threads/ThreadService.ts';

const PAGE = 200;

export interface PersonalDataSources {
  store: Store;
  cases: CaseService;
  threads: ThreadService;
  signoff: SignoffService;
  record: SessionRecord;
  answers: ConsentAnswers;
}

/**
 * What the platform holds about one person on one case, gathered for them [issue 15, item 3; 2.9]:
 * read through the same services and membership rules as everything else they see, so it holds
 * only the threads they are in, and of those only what they wrote.
 */
export class PersonalData {
  readonly #d: PersonalDataSources;

  constructor(d: PersonalDataSources) {
    this.#d = d;
  }

  async of(who: Identity): Promise<PersonalDataExport> {
    const { store, cases, threads, signoff, record, answers } = this.#d;
    const c = (await store.getCase(who.caseId))!;
    const mediator = (await store.getMediator(c.mediator_id))?.display_name ?? 'Your mediator';
    const messages: PersonalDataExport['messages'] = [];
    for (const t of await threads.list(who)) {
      for (let before: number | undefined = undefined; ; ) {
        const page = await threads.history(who, t.id, before, PAGE);
        for (const m of page) {
          if (m.author.id === who.participantId && m.body !== null && m.deletedAt === null) messages.push({ thread: t.title, threadKind: t.kind, at: m.at, editedAt: m.editedAt, body: m.body });
        }
        if (page.length < PAGE) break;
        before = Math.min(...page.map((m) => m.seq));
      }
    }
    messages.sort((a, b) => a.at.localeCompare(b.at));
    return {
      format: 'parley.personal-data/1',
      exportedAt: new Date().toISOString(),
      case: { id: c.id, title: await cases.caseTitle(c.id), mediator, state: c.state },
      person: { id: who.participantId, displayName: who.displayName, role: who.role, side: who.side },
      consents: (await store.consentsOf(who.participantId)).map((r) => ({
        at: r.at,
        clauseSetHash: r.clause_set_hash,
        acceptedClauseIds: JSON.parse(r.accepted_clause_ids) as string[],
        withdrawnAt: r.withdrawn_at,
      })),
      answers: await answers.ofPerson(c.id, who.participantId, c.clause_set_hash),
      messages,
      signatures: (await signoff.signedBy(who.participantId)).map((s) => ({ version: s.version, signedAt: s.signed_at, textHash: s.text_hash })),
      record: (await record.entries(c.id))
        .filter((e) => e.actor?.id === who.participantId)
        .map((e) => ({ seq: e.seq, at: e.at, type: e.type, sentence: describeEntry(e) })),
    };
  }
}
