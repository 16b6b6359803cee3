import { useEffect, useId, useState, type FormEvent } from 'react';
import { BUILT_IN_TEMPLATE_NAME, isPlatformClause, requiresConsent, type CaseConsentAnswer, type CaseDetail, type TemplateSummary } from '@parley/shared';
import { api, isAbort, messageOf } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { Link } from '../router.tsx';

/** The select's value for the built-in template. */
const BUILT_IN = 'built-in';

/**
 * The case's protocol agreement [3.6.8]: which template version it is written from, moving it to
 * another (a newer version of the template, say), and the text as the participants read it. The
 * platform's clauses are written from the case's settings, so they are never picked here.
 */
export function CaseAgreementSection({ c, onSaved }: { c: CaseDetail; onSaved: (next: CaseDetail, announcement: string) => void }) {
  const uid = useId();
  const [templates, setTemplates] = useState<TemplateSummary[] | null>(null);
  const [choice, setChoice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const ctrl = new AbortController();
    api.listTemplates(ctrl.signal).then(
      (list) => setTemplates(list.templates),
      (err) => {
        if (!isAbort(err)) setTemplates([]);
      },
    );
    return () => ctrl.abort();
  }, []);

  const current = c.template?.versionId ?? BUILT_IN;
  const selected = choice ?? current;
  const newer = c.template && c.template.latest.version > c.template.version ? c.template.latest : null;
  const consented = c.participants.filter((p) => requiresConsent(p.role) && p.consent?.current);

  async function use(versionId: string | null, label: string) {
    const who = consented.length
      ? `${consented.map((p) => p.displayName).join(', ')} already consented and will be asked to consent again before they can join a session.`
      : 'Nobody has consented yet.';
    if (!window.confirm(`Use ${label} for this case?\n\nThis can change the protocol agreement. ${who}`)) return;
    setBusy(true);
    setError(null);
    try {
      const next = await api.setCaseTemplate(c.id, { templateVersionId: versionId });
      setChoice(null);
      const changed = next.clauseSetHash !== c.clauseSetHash;
      onSaved(next, changed ? `The case now uses ${label}. The protocol agreement changed; everyone will be asked to consent again.` : `The case now uses ${label}. The agreement text did not change.`);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    if (selected === current || busy) return;
    const t = templates?.find((x) => x.latest.id === selected);
    void use(selected === BUILT_IN ? null : selected, t ? `“${t.name}”, version ${t.latest.version}` : `“${BUILT_IN_TEMPLATE_NAME}”`);
  }

  const lead = c.mediators.find((m) => m.lead);
  // The template is the lead's choice, from the lead's templates (the server refuses a co-mediator).
  const iLead = lead?.participantId === c.you;
  const inUse = c.template ? `“${c.template.name}”, version ${c.template.version}` : `“${BUILT_IN_TEMPLATE_NAME}”`;
  const options = [
    { value: BUILT_IN, label: BUILT_IN_TEMPLATE_NAME },
    // The version the case uses stays choosable even when the template has a newer one.
    ...(c.template && newer ? [{ value: c.template.versionId, label: `${c.template.name}, version ${c.template.version} (in use)` }] : []),
    ...(templates ?? []).map((t) => ({ value: t.latest.id, label: `${t.name}, version ${t.latest.version}` })),
  ];

  return (
    <section className="case-agreement" aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>Protocol agreement</h2>
      <p className="muted">
        Written from the template {inUse}, plus the clauses Parley writes from this case’s settings (the platform, who may be
        present, stored information, the breakdown procedure{c.mediators.length > 1 ? ', the co-mediators' : ''}
        {c.participants.some((p) => p.role === 'assessor') ? ', the assessor' : ''}).{' '}
        {iLead ? (
          <>
            You edit your templates on the <Link to="/templates">agreement templates</Link> page.
          </>
        ) : (
          <>{lead?.displayName ?? 'The lead mediator'} chooses the template for this case.</>
        )}
      </p>
      {iLead && newer && c.template ? (
        <div className="notice notice-info">
          <p>
            “{c.template.name}” has a newer version ({newer.version}, saved {formatDateTime(newer.createdAt)}). This case still uses version{' '}
            {c.template.version}.
          </p>
          <button type="button" className="button button-secondary" disabled={busy} onClick={() => void use(newer.id, `“${c.template!.name}”, version ${newer.version}`)}>
            Use version {newer.version} for this case
          </button>
        </div>
      ) : null}
      {iLead ? (
        <form className="template-choice" onSubmit={submit}>
          <div className="field">
            <label htmlFor={`${uid}-t`}>Template for this case</label>
            <select id={`${uid}-t`} value={selected} onChange={(e) => setChoice(e.target.value)} disabled={busy}>
              {options.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button button-secondary" disabled={busy || selected === current}>
            Use this template
          </button>
        </form>
      ) : null}
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <details className="agreement-preview">
        <summary>Read the agreement as the participants see it ({c.agreement.clauses.length} clauses)</summary>
        <ol>
          {c.agreement.clauses.map((cl) => (
            <li key={cl.id}>
              <h3 className="h3">{cl.title}</h3>
              {isPlatformClause(cl.id) ? <p className="clause-source">Written by Parley from the case’s settings (not from your template)</p> : null}
              <p>{cl.body}</p>
            </li>
          ))}
        </ol>
      </details>
    </section>
  );
}

function answerHead(a: CaseConsentAnswer): string {
  switch (a.kind) {
    case 'question':
      return `${a.displayName} asked a question`;
    case 'declined':
      return `${a.displayName} declined the protocol agreement`;
    case 'withdrawn':
      return `${a.displayName} withdrew their consent`;
  }
}

/**
 * Questions, declines and withdrawals of consent, newest first, with who and when. The mediator
 * answers a question directly (by phone, e-mail…: the person cannot read case messages before
 * agreeing), then marks it answered, which the person sees on their page.
 */
export function ConsentAnswersSection({ c, onChanged }: { c: CaseDetail; onChanged: (next: CaseDetail, announcement: string) => void }) {
  const uid = useId();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (c.consentAnswers.length === 0) return null;

  async function markAnswered(a: CaseConsentAnswer) {
    setBusy(a.id);
    setError(null);
    try {
      onChanged(await api.markAnswered(c.id, a.id), `The question from ${a.displayName} is marked as answered.`);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(null);
    }
  }

  const open = c.consentAnswers.filter((a) => a.kind === 'question' && !a.answeredAt).length;
  return (
    <section className="consent-answers" aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>Questions and answers about the agreement</h2>
      <p className="muted">
        {open ? `${open} question${open === 1 ? '' : 's'} waiting for you. ` : ''}
        Answer questions directly (by phone or e-mail, say): before agreeing, participants cannot read the case’s messages.
        Then mark them answered; the person sees that on their page.
      </p>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <ul className="consent-answer-list">
        {c.consentAnswers.map((a) => (
          <li key={a.id} className={`consent-answer consent-answer-${a.kind}`}>
            <p>
              <strong>{answerHead(a)}</strong> <span className="muted">· {formatDateTime(a.at)}</span>
              {a.current ? null : <span className="muted"> · about an earlier version of the agreement</span>}
            </p>
            {a.text ? <blockquote>{a.text}</blockquote> : a.kind !== 'question' ? <p className="muted">No reason given.</p> : null}
            {a.kind === 'question' ? (
              a.answeredAt ? (
                <p className="status status-ok">Marked answered {formatDateTime(a.answeredAt)}</p>
              ) : (
                <button type="button" className="button button-secondary button-small" disabled={busy === a.id} onClick={() => void markAnswered(a)}>
                  Mark as answered
                </button>
              )
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
