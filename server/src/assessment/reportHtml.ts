import { escapeHtml, formatSessionTime, printablePage, RATING_SCALE, scorecardSections, utcText as utc, type AssessmentExport, type AssessmentNote } from '@parley/shared';

function noteHtml(n: AssessmentNote): string {
  const when = `${utc(n.at)}${n.sessionSeconds !== null ? ` · ${formatSessionTime(n.sessionSeconds)} into the session` : ' · outside a session'}`;
  const links = n.links.length
    ? `<ul class="links">${n.links.map((l) => `<li>${escapeHtml(utc(l.at))}: ${escapeHtml(l.summary)}</li>`).join('')}</ul>`
    : '';
  return `<li class="note"><p class="meta">${escapeHtml(when)}${n.itemId ? ` · item ${escapeHtml(n.itemId)}` : ''}${n.editedAt ? ' · edited' : ''}</p><p class="text">${escapeHtml(n.text)}</p>${links}</li>`;
}

/**
 * The printable assessment report: the mediator's ratings against IMI Annex 2 (items 2.1–2.11 and
 * 3.1–3.9) grouped as in the document, then each note with its time stamps and linked session
 * events. Every value from people is escaped; the page runs no script.
 */
export function renderAssessmentReport(reports: AssessmentExport[]): string {
  const first = reports[0];
  const title = first ? `Assessment of ${first.mediatorName}: ${first.caseTitle}` : 'Assessment';
  const body = reports
    .map((r) => {
      const rated = new Map(r.items.map((i) => [i.id, i.rating]));
      const sections = scorecardSections()
        .map((s) => {
          const rows = s.items
            .map((i) => {
              const rating = rated.get(i.id) ?? null;
              return `<tr><th scope="row">${escapeHtml(i.id)}</th><td>${escapeHtml(i.title)}</td><td>${rating ? escapeHtml(RATING_SCALE[rating].label) : '<span class="none">Not rated</span>'}</td></tr>`;
            })
            .join('\n');
          const notes = r.notes.filter((n) => n.itemId && s.items.some((i) => i.id === n.itemId)).length;
          return `<h3>${escapeHtml(s.id)} ${escapeHtml(s.title)}</h3>
<table><thead><tr><th scope="col">Item</th><th scope="col">Skill</th><th scope="col">Rating</th></tr></thead><tbody>
${rows}
</tbody></table>${notes ? `<p class="meta">${notes} note${notes === 1 ? '' : 's'} on this section below.</p>` : ''}`;
        })
        .join('\n');
      const scale = r.scale.map((x) => `<li><strong>${escapeHtml(x.label)}</strong>: ${escapeHtml(x.description)}</li>`).join('');
      return `<section>
<h2>Assessor: ${escapeHtml(r.assessor.displayName)}</h2>
<p class="meta">Mediator assessed: ${escapeHtml(r.mediatorName)} · Case: ${escapeHtml(r.caseTitle)} · Report made ${escapeHtml(utc(r.exportedAt))} ·
${r.releasedToMediator ? `Shared with the mediator ${escapeHtml(utc(r.releasedAt ?? ''))}` : 'Not shared with the mediator'}</p>
<p class="meta">Criteria: ${escapeHtml(r.criteria)}. Scale:</p><ul class="scale">${scale}</ul>
${sections}
<h3>Notes</h3>
${r.notes.length ? `<ol class="notes">${r.notes.map(noteHtml).join('\n')}</ol>` : '<p>No notes.</p>'}
</section>`;
    })
    .join('\n');
  return printablePage({
    title,
    css: `table { border-collapse: collapse; width: 100%; margin-bottom: .5rem; } td, th { border: 1px solid #999; padding: .25rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #eee; } th[scope=row] { white-space: nowrap; font-weight: normal; }
.meta { color: #333; font-size: .9rem; margin: .25rem 0; } .none { color: #666; }
.notes { padding-left: 1.25rem; } .note { margin-bottom: .9rem; } .text { white-space: pre-wrap; margin: .2rem 0; }
.links { font-size: .85rem; color: #333; margin: .2rem 0; }
@media print { section { page-break-after: always; } .note, table { page-break-inside: avoid; } }`,
    body: `<p class="meta">An assessment of the mediator's skills, not of the parties. Confidential.</p>
${body}`,
  });
}
