import { useId, useState, type FormEvent } from 'react';
import { TemplateName, type TemplateList } from '@parley/shared';
import { api, messageOf } from '../../api.ts';
import { CharCount, limitOf } from '../../components/CharCount.tsx';
import { PageHeading, Shell, useDocumentTitle } from '../../components/Page.tsx';
import { LoadStatus, useLoad } from '../../components/useLoad.tsx';
import { formatDateTime } from '../../format.ts';
import { Link, navigate } from '../../router.tsx';
import { MediatorAccount } from '../SignOutButton.tsx';
import { PlatformClauses } from './PlatformClauses.tsx';
import './templates.css';

const NAME_MAX = limitOf(TemplateName);

/**
 * `/templates`: the mediator's protocol agreement templates [3.5, 3.6.8, 3.6.12, 3.6.14], and a
 * new one started from the built-in wording. Each is edited on its own page.
 */
export function TemplatesScreen() {
  const { state, reload } = useLoad<TemplateList>((signal) => api.listTemplates(signal), { key: 'templates' });
  useDocumentTitle('Agreement templates');
  if (state.kind !== 'ready') return <LoadStatus state={state} what="your templates" onRetry={() => void reload()} />;
  const { templates, builtIn } = state.data;

  return (
    <Shell actions={<MediatorAccount />}>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/">Your cases</Link> <span aria-hidden="true">›</span> <span aria-current="page">Agreement templates</span>
      </nav>
      <PageHeading>Protocol agreement templates</PageHeading>
      <p className="lead">
        Your own wording of the terms you set for a mediation: fees and the costs of meeting online, conflicts of interest, what you
        disclose, recording, governing law and seat, language. Every participant reads and agrees to them before joining.
      </p>
      <p className="muted">
        Each save keeps a new version. A case keeps the version it uses until you move it to a newer one on the case’s page; then
        everyone is asked to agree again. The clauses about the platform itself are written by Parley from each case’s settings
        and cannot be edited.
      </p>

      <h2>Your templates</h2>
      {templates.length === 0 ? (
        <p className="muted">You have no templates yet. New cases use “{builtIn.name}”. Start your own below.</p>
      ) : (
        <ul className="case-list">
          {templates.map((t) => (
            <li key={t.id} className="case-item">
              <Link to={`/templates/${encodeURIComponent(t.id)}`} className="case-link">
                {t.name}
              </Link>
              <span className="case-meta muted">
                Version {t.latest.version} · saved {formatDateTime(t.latest.createdAt)} · used by {t.caseCount} case{t.caseCount === 1 ? '' : 's'}
              </span>
            </li>
          ))}
        </ul>
      )}

      <NewTemplateForm />

      <details className="template-builtin">
        <summary>Read “{builtIn.name}”, the wording new templates start from</summary>
        <ol>
          {builtIn.clauses.map((c) => (
            <li key={c.id}>
              <h3 className="h3">{c.title}</h3>
              <p>{c.body}</p>
            </li>
          ))}
        </ol>
      </details>
      <PlatformClauses />
    </Shell>
  );
}

function NewTemplateForm() {
  const uid = useId();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function create(e: FormEvent) {
    e.preventDefault();
    const parsed = TemplateName.safeParse(name);
    if (!parsed.success) {
      setError('Give the template a name, for example “Family disputes”.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const { builtIn } = await api.listTemplates();
      const t = await api.createTemplate({ name: parsed.data, clauses: builtIn.clauses });
      navigate(`/templates/${encodeURIComponent(t.id)}`);
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  }

  return (
    <section className="card new-template" aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>New template</h2>
      <p className="muted">It starts with Parley’s default wording; you change, add and remove clauses on the next page.</p>
      <form onSubmit={create} noValidate className="template-choice">
        <div className="field">
          <label htmlFor={`${uid}-name`}>Template name</label>
          <input
            id={`${uid}-name`}
            type="text"
            value={name}
            maxLength={NAME_MAX}
            autoComplete="off"
            onChange={(e) => setName(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={[`${uid}-count`, error ? `${uid}-error` : ''].filter(Boolean).join(' ')}
          />
          <CharCount id={`${uid}-count`} value={name} max={NAME_MAX} />
          {error ? (
            <p className="field-error" id={`${uid}-error`} role="alert">
              {error}
            </p>
          ) : null}
        </div>
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create template'}
        </button>
      </form>
    </section>
  );
}
