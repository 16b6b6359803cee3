import { useId, useRef, useState, type FormEvent } from 'react';
import { ClauseText, ClauseTitle, DEFAULT_TEMPLATE_CLAUSES, TEMPLATE_LIMITS, TemplateBody, TemplateName, type TemplateClause, type TemplateDetail } from '@parley/shared';
import { ApiError, api, messageOf } from '../../api.ts';
import { CharCount, limitOf } from '../../components/CharCount.tsx';
import { Notice, PageHeading, Shell, useDocumentTitle } from '../../components/Page.tsx';
import { LoadStatus, useLoad } from '../../components/useLoad.tsx';
import { capitalise, formatDateTime } from '../../format.ts';
import { Link } from '../../router.tsx';
import { MediatorAccount } from '../SignOutButton.tsx';
import { PlatformClauses } from './PlatformClauses.tsx';
import './templates.css';

const NAME_MAX = limitOf(TemplateName);
const TITLE_MAX = limitOf(ClauseTitle);
const BODY_MAX = limitOf(ClauseText);
const OWN = 'own';

type Row = TemplateClause & { key: number };
let nextKey = 1;
const rowOf = (c: TemplateClause): Row => ({ ...c, key: nextKey++ });

/** A free id for a clause of the mediator's own: `own-1`, `own-2`, … (ids stay stable across versions). */
function freeOwnId(rows: Row[]): string {
  for (let n = 1; ; n++) if (!rows.some((r) => r.id === `own-${n}`)) return `own-${n}`;
}

/** `/templates/:templateId`: edit, add, remove and reorder the template's clauses; saving keeps a new version. */
export function TemplateEditor({ templateId }: { templateId: string }) {
  const { state, reload, set } = useLoad<TemplateDetail>((signal) => api.getTemplate(templateId, signal), { key: templateId });
  useDocumentTitle(state.kind === 'ready' ? state.data.name : 'Agreement template');
  if (state.kind !== 'ready') return <LoadStatus state={state} what="this template" onRetry={() => void reload()} />;
  return <Editor key={state.data.id} t={state.data} onSaved={set} />;
}

function Editor({ t, onSaved }: { t: TemplateDetail; onSaved: (next: TemplateDetail) => void }) {
  const uid = useId();
  const [name, setName] = useState(t.name);
  const [rows, setRows] = useState<Row[]>(() => t.clauses.map(rowOf));
  const [adding, setAdding] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  const missing = DEFAULT_TEMPLATE_CLAUSES.filter((d) => !rows.some((r) => r.id === d.id));
  const addChoice = adding || missing[0]?.id || OWN;
  const total = rows.reduce((n, r) => n + r.title.length + r.body.length, 0);

  function update(key: number, change: Partial<TemplateClause>) {
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...change } : r)));
    setErrors({});
  }
  function move(index: number, by: -1 | 1) {
    setRows((rs) => {
      const next = [...rs];
      const [row] = next.splice(index, 1);
      next.splice(index + by, 0, row!);
      return next;
    });
    setErrors({});
  }
  function remove(key: number) {
    setRows((rs) => rs.filter((r) => r.key !== key));
    setErrors({});
  }
  function add() {
    const subject = DEFAULT_TEMPLATE_CLAUSES.find((d) => d.id === addChoice);
    const row = rowOf(subject ?? { id: freeOwnId(rows), title: '', body: '', imi: [] });
    setRows((rs) => [...rs, row]);
    setAdding('');
    requestAnimationFrame(() => formRef.current?.querySelector<HTMLInputElement>(`[data-key="${row.key}"]`)?.focus());
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    const parsed = TemplateBody.safeParse({ name, clauses: rows.map(({ key: _k, ...c }) => c) });
    if (!parsed.success) {
      const next: Record<string, string> = {};
      for (const i of parsed.error.issues) next[i.path.join('.')] ??= capitalise(i.message);
      setErrors(next);
      setFormError('Some clauses need your attention before saving.');
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    setBusy(true);
    try {
      const saved = await api.saveTemplate(t.id, parsed.data);
      setStatus(
        saved.latest.version === t.latest.version
          ? 'Nothing changed since the last version, so no new version was saved.'
          : `Version ${saved.latest.version} saved. Cases that use an earlier version keep it until you move them to this one on their page.`,
      );
      onSaved(saved);
    } catch (err) {
      if (err instanceof ApiError && err.details?.length) {
        const next: Record<string, string> = {};
        for (const d of err.details) next[d.path] ??= capitalise(d.message);
        setErrors(next);
      }
      setFormError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  const err = (path: string) => errors[path];
  return (
    <Shell actions={<MediatorAccount />}>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/">Your cases</Link> <span aria-hidden="true">›</span> <Link to="/templates">Agreement templates</Link>{' '}
        <span aria-hidden="true">›</span> <span aria-current="page">{t.name}</span>
      </nav>
      <PageHeading>{t.name}</PageHeading>
      <p className="muted">
        Version {t.latest.version}, saved {formatDateTime(t.latest.createdAt)} · used by {t.caseCount} case{t.caseCount === 1 ? '' : 's'}.
        Saving keeps a new version; earlier versions and the cases using them do not change.
      </p>
      <p className="sr-only" role="status" aria-live="polite">
        {status}
      </p>
      {status ? (
        <Notice tone="success">
          <p>{status}</p>
        </Notice>
      ) : null}

      <form ref={formRef} onSubmit={save} noValidate className="template-form">
        <div className="field">
          <label htmlFor={`${uid}-name`}>Template name</label>
          <input
            id={`${uid}-name`}
            type="text"
            value={name}
            maxLength={NAME_MAX}
            onChange={(e) => {
              setName(e.target.value);
              setErrors({});
            }}
            aria-invalid={err('name') ? true : undefined}
            aria-describedby={[`${uid}-name-count`, err('name') ? `${uid}-name-error` : ''].filter(Boolean).join(' ')}
          />
          <CharCount id={`${uid}-name-count`} value={name} max={NAME_MAX} />
          {err('name') ? (
            <p className="field-error" id={`${uid}-name-error`}>
              {err('name')}
            </p>
          ) : null}
        </div>

        <h2>Your clauses</h2>
        <p className="muted">
          In the order participants read them, before the clauses Parley writes. {rows.length} of {TEMPLATE_LIMITS.clausesMax} clauses ·{' '}
          {total.toLocaleString()} of {TEMPLATE_LIMITS.totalChars.toLocaleString()} characters in all.
        </p>
        <ol className="template-clauses">
          {rows.map((r, i) => {
            const base = `clauses.${i}`;
            const rid = (f: string) => `${uid}-${r.key}-${f}`;
            const titleError = err(`${base}.title`) ?? err(`${base}.id`);
            const bodyError = err(`${base}.body`);
            const label = r.title.trim() || `Clause ${i + 1}`;
            return (
              <li key={r.key}>
                <fieldset className="template-clause">
                  <legend>
                    Clause {i + 1}
                    {r.imi.length ? <span className="muted"> · IMI {r.imi.join(', ')}</span> : null}
                  </legend>
                  <div className="field">
                    <label htmlFor={rid('title')}>Title</label>
                    <input
                      id={rid('title')}
                      data-key={r.key}
                      type="text"
                      value={r.title}
                      maxLength={TITLE_MAX}
                      onChange={(e) => update(r.key, { title: e.target.value })}
                      aria-invalid={titleError ? true : undefined}
                      aria-describedby={[rid('title-count'), titleError ? rid('title-error') : ''].filter(Boolean).join(' ')}
                    />
                    <CharCount id={rid('title-count')} value={r.title} max={TITLE_MAX} />
                    {titleError ? (
                      <p className="field-error" id={rid('title-error')}>
                        {titleError}
                      </p>
                    ) : null}
                  </div>
                  <div className="field">
                    <label htmlFor={rid('body')}>Text</label>
                    <textarea
                      id={rid('body')}
                      rows={5}
                      value={r.body}
                      maxLength={BODY_MAX}
                      onChange={(e) => update(r.key, { body: e.target.value })}
                      aria-invalid={bodyError ? true : undefined}
                      aria-describedby={[rid('body-count'), bodyError ? rid('body-error') : ''].filter(Boolean).join(' ')}
                    />
                    <CharCount id={rid('body-count')} value={r.body} max={BODY_MAX} />
                    {bodyError ? (
                      <p className="field-error" id={rid('body-error')}>
                        {bodyError}
                      </p>
                    ) : null}
                  </div>
                  <div className="button-row">
                    <button type="button" className="button button-quiet button-small" disabled={i === 0} onClick={() => move(i, -1)} aria-label={`Move up “${label}”`}>
                      Move up
                    </button>
                    <button type="button" className="button button-quiet button-small" disabled={i === rows.length - 1} onClick={() => move(i, 1)} aria-label={`Move down “${label}”`}>
                      Move down
                    </button>
                    <button type="button" className="button button-quiet button-small" onClick={() => remove(r.key)} aria-label={`Remove “${label}”`}>
                      Remove
                    </button>
                  </div>
                </fieldset>
              </li>
            );
          })}
        </ol>

        <div className="template-add">
          <div className="field">
            <label htmlFor={`${uid}-add`}>Add a clause</label>
            <select id={`${uid}-add`} value={addChoice} onChange={(e) => setAdding(e.target.value)}>
              {missing.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.title} (default wording)
                </option>
              ))}
              <option value={OWN}>A clause of your own (empty)</option>
            </select>
          </div>
          <button type="button" className="button button-secondary" onClick={add} disabled={rows.length >= TEMPLATE_LIMITS.clausesMax}>
            Add clause
          </button>
        </div>

        {formError ? (
          <div role="alert">
            <Notice tone="error">
              <p>{formError}</p>
            </Notice>
          </div>
        ) : null}
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Saving…' : `Save as version ${t.latest.version + 1}`}
          </button>
        </div>
      </form>

      <details className="template-versions">
        <summary>Versions ({t.versions.length})</summary>
        <ul>
          {[...t.versions].reverse().map((v) => (
            <li key={v.id}>
              Version {v.version} · saved {formatDateTime(v.createdAt)}
            </li>
          ))}
        </ul>
      </details>
      <PlatformClauses />
    </Shell>
  );
}
