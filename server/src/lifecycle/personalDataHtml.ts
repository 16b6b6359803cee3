import { escapeHtml, printablePage, roleLabel, utcText as utc, type PersonalDataExport } from '@parley/shared';
const list = <T>(items: T[], empty: string, item: (x: T) => string) => (items.length ? `<ul>${items.map(item).join('\n')}</ul>` : `<p class="none">${escapeHtml(empty)}</p>`);

/**
 * The person's data as a page to read and print [issue 15, item 3]: the same content as the JSON.
 * Every value from people is escaped; the page runs no script.
 */
export function renderPersonalData(d: PersonalDataExport): string {
  const p = d.person;
  const title = `What Parley holds about ${p.displayName}: ${d.case.title}`;
  const consents = list(d.consents, 'You have not agreed to the protocol agreement.', (c) =>
    `<li>${escapeHtml(utc(c.at))}: agreed to the protocol agreement (version ${escapeHtml(c.clauseSetHash.slice(0, 12))}), accepting ${c.acceptedClauseIds.length} clause${c.acceptedClauseIds.length === 1 ? '' : 's'}${c.withdrawnAt ? `; withdrawn ${escapeHtml(utc(c.withdrawnAt))}` : ''}</li>`,
  );
  const answers = list(d.answers, 'No declines, questions or withdrawals.', (a) => `<li>${escapeHtml(utc(a.at))}: ${escapeHtml(a.kind)}${a.text ? `: <q>${escapeHtml(a.text)}</q>` : ''}</li>`);
  const messages = list(d.messages, 'You have written no messages.', (m) =>
    `<li><p class="meta">${escapeHtml(utc(m.at))} · ${escapeHtml(m.thread)}${m.editedAt ? ` · edited ${escapeHtml(utc(m.editedAt))}` : ''}</p><p class="text">${escapeHtml(m.body)}</p></li>`,
  );
  const signatures = list(d.signatures, 'You have signed no version of the agreement.', (s) => `<li>${escapeHtml(utc(s.signedAt))}: signed version ${s.version} (text ${escapeHtml(s.textHash.slice(0, 12))}…)</li>`);
  const record = list(d.record, 'The session record names nothing you did.', (e) => `<li>${escapeHtml(utc(e.at))}: ${escapeHtml(e.sentence)}</li>`);
  return printablePage({
    title,
    css: `.meta { color: #333; font-size: .9rem; margin: .25rem 0; } .none { color: #555; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; margin: .2rem 0 .8rem; }
ul { padding-left: 1.25rem; }`,
    body: `<p class="meta">${escapeHtml(p.displayName)} · ${escapeHtml(roleLabel[p.role])}${p.side ? `, side ${escapeHtml(p.side)}` : ''} · mediator ${escapeHtml(d.case.mediator)} · made ${escapeHtml(utc(d.exportedAt))}</p>
<p>Everything the platform keeps that you gave it or that records what you did on this case. What others wrote is not here, and neither is anything of a conversation you were not part of.</p>
<h2>Your consent to the protocol agreement</h2>
${consents}
<h2>Your answers about it</h2>
${answers}
<h2>The messages you wrote</h2>
${messages}
<h2>Your signatures</h2>
${signatures}
<h2>What the session record notes of you</h2>
${record}`,
  });
}
