import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { BUILT_IN_TEMPLATE_NAME, CaseTitle, CreateCaseBody, DisplayName, MAX_ASSESSORS, roleLabel, type TemplateSummary } from '@parley/shared';
import { ApiError, api, isAbort, messageOf } from '../api.ts';
import { CharCount, limitOf } from '../components/CharCount.tsx';
import { Notice } from '../components/Page.tsx';
import { capitalise } from '../format.ts';
import { navigate } from '../router.tsx';
import './NewCaseForm.css';

const SIDES = ['A', 'B', 'C', 'D'] as const;
const TITLE_MAX = limitOf(CaseTitle);
const NAME_MAX = limitOf(DisplayName);
/** An assessor (ODR-QAP observer of the mediator) belongs to no side; their row keeps one only for switching back. */
type InviteeRole = 'party' | 'advisor' | 'assessor';

interface Row {
  key: number;
  displayName: string;
  role: InviteeRole;
  side: string;
  /** Where Parley mails their link; '' for none (only offered where Parley sends mail). */
  email: string;
}

/** Field errors keyed by path: "title", "participants", "participants.0.displayName", … */
type FieldErrors = Record<string, string>;

let nextKey = 1;
const newRow = (side: string, role: InviteeRole = 'party'): Row => ({ key: nextKey++, displayName: '', role, side, email: '' });

/** Zod and the server both report paths; normalise "participants/0/displayName" and arrays alike. */
function pathKey(path: ReadonlyArray<PropertyKey> | string): string {
  const parts = typeof path === 'string' ? path.split(/[./]/).filter(Boolean) : path.map(String);
  return parts.join('.');
}

export function NewCaseForm() {
  const formId = useId();
  const [title, setTitle] = useState('');
  const [rows, setRows] = useState<Row[]>(() => [newRow('A'), newRow('B')]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // On by default: nobody meets the other side before the mediator is there [2.11, 3.7.1].
  const [waitingRoom, setWaitingRoom] = useState(true);
  const formRef = useRef<HTMLFormElement>(null);
  // The protocol agreement template: '' is the built-in one; otherwise the newest version of one of theirs.
  const [templates, setTemplates] = useState<TemplateSummary[]>([]);
  const [templateVersionId, setTemplateVersionId] = useState('');
  useEffect(() => {
    const ctrl = new AbortController();
    api.listTemplates(ctrl.signal).then(
      (list) => setTemplates(list.templates),
      (err) => {
        // Without the list the built-in template is still there; creating a case must not depend on it.
        if (!isAbort(err)) setTemplates([]);
      },
    );
    return () => ctrl.abort();
  }, []);
  // Whether this platform sends mail (an SMTP server is configured): only then is an address asked for.
  const [mailAvailable, setMailAvailable] = useState(false);
  useEffect(() => {
    const ctrl = new AbortController();
    api.signinMethods(ctrl.signal).then(
      (m) => setMailAvailable(m.emailLink),
      () => setMailAvailable(false),
    );
    return () => ctrl.abort();
  }, []);

  const id = (suffix: string) => `${formId}-${suffix}`;
  const errorFor = (key: string) => errors[key];

  /** Editing a field clears its error; the next submit checks everything again. */
  function clearError(path: string) {
    setErrors((prev) => {
      if (!(path in prev) && !('participants' in prev)) return prev;
      const { [path]: _gone, participants: _list, ...rest } = prev;
      return rest;
    });
  }

  function updateRow(key: number, change: Partial<Row>) {
    const index = rows.findIndex((r) => r.key === key);
    for (const field of Object.keys(change)) clearError(`participants.${index}.${field}`);
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...change } : r)));
  }

  function addRow() {
    setRows((rs) => {
      const used = new Set(rs.map((r) => r.side));
      const side = SIDES.find((s) => !used.has(s)) ?? 'A';
      return [...rs, newRow(side)];
    });
    // Put the cursor in the new row's name field.
    requestAnimationFrame(() => {
      const inputs = formRef.current?.querySelectorAll<HTMLInputElement>('input[data-field="name"]');
      inputs?.[inputs.length - 1]?.focus();
    });
  }

  const assessorCount = rows.filter((r) => r.role === 'assessor').length;

  function addAssessor() {
    setRows((rs) => [...rs, newRow('A', 'assessor')]);
    requestAnimationFrame(() => {
      const inputs = formRef.current?.querySelectorAll<HTMLInputElement>('input[data-field="name"]');
      inputs?.[inputs.length - 1]?.focus();
    });
  }

  function removeRow(key: number) {
    // Row indexes shift: errors keyed by index would point at the wrong rows.
    setErrors({});
    setRows((rs) => (rs.length > 1 ? rs.filter((r) => r.key !== key) : rs));
  }

  function focusFirstError() {
    requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    const body = {
      title,
      waitingRoom,
      participants: rows.map(({ displayName, role, side, email }) => ({ displayName, role, side: role === 'assessor' ? null : side, ...(mailAvailable && email.trim() ? { email: email.trim() } : {}) })),
      templateVersionId: templateVersionId || null,
    };
    const parsed = CreateCaseBody.safeParse(body);
    if (!parsed.success) {
      const next: FieldErrors = {};
      for (const issue of parsed.error.issues) {
        const key = pathKey(issue.path);
        next[key] ??= capitalise(issue.message);
      }
      setErrors(next);
      if (next.participants && !next.title) setFormError(next.participants);
      focusFirstError();
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const created = await api.createCase(parsed.data);
      navigate(`/cases/${encodeURIComponent(created.id)}`);
    } catch (error) {
      setBusy(false);
      if (error instanceof ApiError && error.details?.length) {
        const next: FieldErrors = {};
        for (const d of error.details) next[pathKey(d.path)] ??= capitalise(d.message);
        setErrors(next);
        focusFirstError();
      }
      setFormError(messageOf(error));
    }
  }

  const titleError = errorFor('title');
  return (
    <section className="card new-case" aria-labelledby={id('heading')}>
      <h2 id={id('heading')}>New case</h2>
      <p className="muted">
        Add the people you are inviting. Each one gets a personal link to share with them. Parties and their advisors
        belong to a side. An assessor observes you for an ODR-QAP assessment, belongs to no side, and is disclosed to
        everyone in the protocol agreement.
      </p>
      <form ref={formRef} onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={id('title')}>Case title</label>
          <input
            id={id('title')}
            type="text"
            value={title}
            maxLength={TITLE_MAX}
            autoComplete="off"
            onChange={(e) => {
              setTitle(e.target.value);
              clearError('title');
            }}
            aria-invalid={titleError ? true : undefined}
            aria-describedby={[id('title-count'), titleError ? id('title-error') : ''].filter(Boolean).join(' ')}
          />
          <CharCount id={id('title-count')} value={title} max={TITLE_MAX} />
          {titleError ? (
            <p className="field-error" id={id('title-error')}>
              {titleError}
            </p>
          ) : null}
        </div>

        <div className="field">
          <label htmlFor={id('template')}>Protocol agreement</label>
          <select id={id('template')} value={templateVersionId} onChange={(e) => setTemplateVersionId(e.target.value)} aria-describedby={id('template-hint')}>
            <option value="">{BUILT_IN_TEMPLATE_NAME}</option>
            {templates.map((t) => (
              <option key={t.id} value={t.latest.id}>
                {t.name}, version {t.latest.version}
              </option>
            ))}
          </select>
          <p className="hint" id={id('template-hint')}>
            The template the agreement’s own wording comes from; Parley adds the clauses about the platform from the case’s settings.
          </p>
        </div>

        <div className="participant-rows">
          {rows.map((row, index) => {
            const base = `participants.${index}`;
            const nameError = errorFor(`${base}.displayName`);
            const sideError = errorFor(`${base}.side`);
            const roleError = errorFor(`${base}.role`);
            const emailError = errorFor(`${base}.email`);
            const rid = (f: string) => id(`p${row.key}-${f}`);
            return (
              <fieldset key={row.key} className="participant-row">
                <legend>Participant {index + 1}</legend>
                <div className="field field-name">
                  <label htmlFor={rid('name')}>Name</label>
                  <input
                    id={rid('name')}
                    data-field="name"
                    type="text"
                    value={row.displayName}
                    maxLength={NAME_MAX}
                    autoComplete="off"
                    onChange={(e) => updateRow(row.key, { displayName: e.target.value })}
                    aria-invalid={nameError ? true : undefined}
                    aria-describedby={[rid('name-count'), nameError ? rid('name-error') : ''].filter(Boolean).join(' ')}
                  />
                  <CharCount id={rid('name-count')} value={row.displayName} max={NAME_MAX} />
                  {nameError ? (
                    <p className="field-error" id={rid('name-error')}>
                      {nameError}
                    </p>
                  ) : null}
                </div>
                <div className="field field-role">
                  <label htmlFor={rid('role')}>Role</label>
                  <select
                    id={rid('role')}
                    value={row.role}
                    onChange={(e) => updateRow(row.key, { role: e.target.value as InviteeRole })}
                    aria-invalid={roleError ? true : undefined}
                    aria-describedby={roleError ? rid('role-error') : undefined}
                  >
                    <option value="party">{roleLabel.party}</option>
                    <option value="advisor">{roleLabel.advisor}</option>
                    <option value="assessor" disabled={row.role !== 'assessor' && assessorCount >= MAX_ASSESSORS}>
                      Assessor
                    </option>
                  </select>
                  {roleError ? (
                    <p className="field-error" id={rid('role-error')}>
                      {roleError}
                    </p>
                  ) : null}
                </div>
                {row.role === 'assessor' ? (
                  <p className="field field-side muted">No side: observes the mediator</p>
                ) : (
                  <div className="field field-side">
                    <label htmlFor={rid('side')}>Side</label>
                    <select
                      id={rid('side')}
                      value={row.side}
                      onChange={(e) => updateRow(row.key, { side: e.target.value })}
                      aria-invalid={sideError ? true : undefined}
                      aria-describedby={sideError ? rid('side-error') : undefined}
                    >
                      {SIDES.map((s) => (
                        <option key={s} value={s}>
                          {s}
                        </option>
                      ))}
                    </select>
                    {sideError ? (
                      <p className="field-error" id={rid('side-error')}>
                        {sideError}
                      </p>
                    ) : null}
                  </div>
                )}
                {mailAvailable ? (
                  <div className="field field-email">
                    <label htmlFor={rid('email')}>E-mail address (optional)</label>
                    <input
                      id={rid('email')}
                      type="email"
                      value={row.email}
                      maxLength={254}
                      autoComplete="off"
                      onChange={(e) => updateRow(row.key, { email: e.target.value })}
                      aria-invalid={emailError ? true : undefined}
                      aria-describedby={[id('mail-hint'), emailError ? rid('email-error') : ''].filter(Boolean).join(' ')}
                    />
                    {emailError ? (
                      <p className="field-error" id={rid('email-error')}>
                        {emailError}
                      </p>
                    ) : null}
                  </div>
                ) : null}
                {rows.length > 1 ? (
                  <button
                    type="button"
                    className="button button-quiet button-small row-remove"
                    onClick={() => removeRow(row.key)}
                    aria-label={`Remove participant ${index + 1}`}
                  >
                    Remove
                  </button>
                ) : null}
              </fieldset>
            );
          })}
        </div>

        {mailAvailable ? (
          <p className="hint" id={id('mail-hint')}>
            With an address, Parley e-mails the person their link when you create the case, and later the session times, a
            reminder and a note when there are new messages, never what anyone wrote. They can turn these e-mails off.
          </p>
        ) : null}

        <label className="waiting-room-check">
          <input type="checkbox" checked={waitingRoom} onChange={(e) => setWaitingRoom(e.target.checked)} />
          <span>
            Waiting room: parties and advisors wait until I let them in
            <small>Nobody sees or hears the other side before you are there. You can change this on the case page.</small>
          </span>
        </label>

        {formError ? (
          <div role="alert">
            <Notice tone="error">
              <p>{formError}</p>
            </Notice>
          </div>
        ) : null}

        <div className="form-actions">
          <span className="button-row">
            <button type="button" className="button button-secondary" onClick={addRow} disabled={rows.length >= 20}>
              Add participant
            </button>
            <button type="button" className="button button-quiet" onClick={addAssessor} disabled={rows.length >= 20 || assessorCount >= MAX_ASSESSORS}>
              Add an assessor
            </button>
          </span>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create case'}
          </button>
        </div>
      </form>
    </section>
  );
}
