import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { describeEntry, extraDetails, type RecordEntry, type RecordVerifyReport } from '@parley/shared';
import { api } from '../api.ts';
import { FileCheckForm, FileProblem } from '../components/FileCheckForm.tsx';
import { Notice, PageHeading, Shell, useDocumentTitle } from '../components/Page.tsx';
import { LoadStatus, useLoad } from '../components/useLoad.tsx';
import { formatDateTime } from '../format.ts';
import { Link } from '../router.tsx';
import { RECORD_FILTERS, matchesFilter, statusSentence, type RecordFilter } from './describe.ts';
import './record.css';

const POLL_MS = 5_000;

interface RecordData {
  entries: RecordEntry[];
  verification: RecordVerifyReport;
  loadedAt: string;
}

const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** Local calendar day (the viewer's time zone) as a sortable key. */
function dayKey(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

interface Day {
  key: string;
  label: string;
  entries: RecordEntry[];
}

function groupByDay(entries: RecordEntry[]): Day[] {
  const days: Day[] = [];
  for (const e of entries) {
    const d = new Date(e.at);
    const valid = !Number.isNaN(d.getTime());
    const key = valid ? dayKey(d) : 'unknown';
    let day = days[days.length - 1];
    if (!day || day.key !== key) {
      day = { key, label: valid ? dayFormat.format(d) : 'Unknown date', entries: [] };
      days.push(day);
    }
    day.entries.push(e);
  }
  return days;
}

/** `/cases/:caseId/record`: the mediator reads, prints, downloads and checks the session record. */
export function RecordScreen({ caseId }: { caseId: string }) {
  const [caseTitle, setCaseTitle] = useState<string | null>(null);
  const [filter, setFilter] = useState<RecordFilter>('all');
  const [printedAt, setPrintedAt] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const lastCount = useRef<number | null>(null);
  const filterId = useId();
  const caseHref = `/cases/${encodeURIComponent(caseId)}`;

  useDocumentTitle(caseTitle ? `Session record · ${caseTitle}` : 'Session record');

  useEffect(() => {
    const ctrl = new AbortController();
    api.getCase(caseId, ctrl.signal).then(
      (c) => setCaseTitle(c.title),
      () => undefined, // The record request reports sign-in and access problems.
    );
    return () => ctrl.abort();
  }, [caseId]);

  const { state, reload } = useLoad<RecordData>(
    async (signal) => {
      const { entries, verification } = await api.caseRecord(caseId, signal);
      const previous = lastCount.current;
      lastCount.current = entries.length;
      if (previous !== null && entries.length > previous) {
        const n = entries.length - previous;
        setAnnouncement(n === 1 ? '1 new event in the record.' : `${n} new events in the record.`);
      }
      return { entries, verification, loadedAt: new Date().toISOString() };
    },
    { key: caseId, pollMs: POLL_MS },
  );

  // The printout says when it was made, also when printed from the browser's menu.
  useEffect(() => {
    const before = () => flushSync(() => setPrintedAt(new Date().toISOString()));
    window.addEventListener('beforeprint', before);
    return () => window.removeEventListener('beforeprint', before);
  }, []);

  const entries = state.kind === 'ready' ? state.data.entries : null;
  const shown = useMemo(() => (entries ?? []).filter((e) => matchesFilter(e.type, filter)), [entries, filter]);
  const days = useMemo(() => groupByDay(shown), [shown]);

  if (state.kind !== 'ready') return <LoadStatus state={state} what="the session record" onRetry={() => void reload()} />;

  const { data: record, stale } = state;
  const { verification, loadedAt } = record;
  const filterLabel = RECORD_FILTERS.find((f) => f.id === filter)?.label ?? '';

  function print() {
    flushSync(() => setPrintedAt(new Date().toISOString()));
    window.print();
  }

  return (
    <Shell>
      <div className="record-page">
        <nav aria-label="Breadcrumb" className="breadcrumb">
          <Link to="/">Your cases</Link> <span aria-hidden="true">›</span> <Link to={caseHref}>{caseTitle ?? 'Case'}</Link>{' '}
          <span aria-hidden="true">›</span> <span aria-current="page">Session record</span>
        </nav>

        <div className="record-print-header">
          <p className="record-print-title">{caseTitle ?? 'Case'}</p>
          <p>
            Session record exported {formatDateTime(printedAt ?? loadedAt)}
            {filter !== 'all' ? ` · showing: ${filterLabel}` : ''}
          </p>
        </div>

        <PageHeading>Session record</PageHeading>
        <p className="muted record-intro">
          Everything that happened in this case&rsquo;s sessions, in order. Each entry is signed by the platform and chained to the
          one before, so a removed, reordered or changed entry is detected.
        </p>

        <div className={verification.valid ? 'record-status record-status-ok' : 'record-status record-status-bad'}>
          <p className="record-status-line">
            <span aria-hidden="true" className="record-status-icon">
              {verification.valid ? '✓' : '⚠'}
            </span>{' '}
            {statusSentence(verification)}
          </p>
          {!verification.valid && verification.problems.length ? (
            <ul className="record-problems">
              {verification.problems.map((p, i) => (
                <li key={`${i}-${p}`}>{p}</li>
              ))}
            </ul>
          ) : null}
        </div>

        {stale ? (
          <Notice tone="warning">
            <p>We lost contact with the server, so this record may be out of date. We keep trying.</p>
          </Notice>
        ) : null}

        <p className="sr-only" role="status" aria-live="polite">
          {announcement}
        </p>

        <div className="record-toolbar">
          <div className="field record-filter">
            <label htmlFor={filterId}>Show</label>
            <select id={filterId} value={filter} onChange={(e) => setFilter(e.target.value as RecordFilter)}>
              {RECORD_FILTERS.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.label}
                </option>
              ))}
            </select>
          </div>
          <div className="record-actions">
            <a className="button button-secondary" href={api.caseRecordExportUrl(caseId)} download="session-record.json">
              Download the record (JSON)
            </a>
            <button type="button" className="button button-secondary" onClick={print}>
              Print
            </button>
          </div>
        </div>

        <section aria-labelledby="record-timeline-heading" className="record-timeline">
          <h2 id="record-timeline-heading" className="sr-only">
            Timeline
          </h2>
          <p className="muted record-count">
            {filter === 'all'
              ? `${record.entries.length} ${record.entries.length === 1 ? 'event' : 'events'}`
              : `Showing ${shown.length} of ${record.entries.length} events`}
          </p>
          {days.length === 0 ? (
            <p>{record.entries.length === 0 ? 'Nothing has been recorded yet. Events appear here as the sessions go on.' : 'No events of this kind yet.'}</p>
          ) : (
            <ol role="list" className="record-days" aria-label="Events by day">
              {days.map((day) => {
                const headingId = `record-day-${day.key}`;
                return (
                  <li key={day.key} className="record-day">
                    <h3 id={headingId} className="record-day-heading">
                      {day.label}
                    </h3>
                    <ol role="list" className="record-entries" aria-labelledby={headingId}>
                      {day.entries.map((e) => (
                        <RecordItem key={e.seq} entry={e} />
                      ))}
                    </ol>
                  </li>
                );
              })}
            </ol>
          )}
        </section>

        <VerifyRecordForm />

        <p className="muted record-back">
          <Link to={caseHref}>Back to the case</Link>
        </p>
      </div>
    </Shell>
  );
}

function RecordItem({ entry }: { entry: RecordEntry }) {
  const d = new Date(entry.at);
  const time = Number.isNaN(d.getTime()) ? entry.at : timeFormat.format(d);
  const details = extraDetails(entry);
  return (
    <li className="record-entry">
      <time className="record-time" dateTime={entry.at}>
        {time}
      </time>
      <div className="record-what">
        <p className="record-sentence">{describeEntry(entry)}</p>
        {details.length ? (
          <dl className="record-details">
            {details.map((x) => (
              <div key={x.key}>
                <dt>{x.label}</dt>
                <dd>{x.key.toLowerCase().includes('hash') ? <code>{x.value}</code> : x.value}</dd>
              </div>
            ))}
          </dl>
        ) : null}
      </div>
      <span className="record-seq">Entry {entry.seq}</span>
    </li>
  );
}

/** Check a downloaded record file against this platform's key (the server verifies it). */
function VerifyRecordForm() {
  return (
    <section aria-labelledby="record-verify-heading" className="record-verify">
      <h2 id="record-verify-heading">Check a record file</h2>
      <p className="muted">
        Anyone you gave the downloaded record to can have it checked here: we confirm that no entry was removed, reordered or
        changed, and that each was signed by this platform.
      </p>
      <FileCheckForm
        label="Session record file (JSON)"
        accept=".json,application/json"
        submitText="Check this record file"
        noFileMessage="Choose the record file first (the session-record.json file you downloaded)."
        check={verifyRecordFile}
        renderReport={(fileName, report) =>
          report.valid ? (
            <Notice tone="success" title={`${fileName}: the record is intact`}>
              <p>
                {report.entries} {report.entries === 1 ? 'entry' : 'entries'}, each signed by this platform and chained to the one
                before. Nothing was removed, reordered or changed.
              </p>
            </Notice>
          ) : (
            <Notice tone="error" title={`${fileName}: this record does not check out`}>
              <ul>
                {report.problems.map((p, i) => (
                  <li key={`${i}-${p}`}>{p}</li>
                ))}
              </ul>
            </Notice>
          )
        }
      />
    </section>
  );
}

async function verifyRecordFile(file: File): Promise<RecordVerifyReport> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await file.text());
  } catch {
    throw new FileProblem('This file is not a session record: it is not a JSON file, or it is damaged.');
  }
  return api.verifyRecord(parsed);
}
