import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { messageOf } from '../api.ts';
import { Notice } from './Page.tsx';

/** Thrown by a `check` to show its message as it is (for example: the file is not what we expected). */
export class FileProblem extends Error {}

type Result<R> = { kind: 'idle' } | { kind: 'checking' } | { kind: 'done'; fileName: string; report: R } | { kind: 'error'; message: string };

/**
 * Pick a downloaded file, have it checked (by the server), show the outcome: the agreement file
 * on `/verify` and the session record file on the record page.
 */
export function FileCheckForm<R>({
  label,
  accept,
  submitText,
  noFileMessage,
  check,
  renderReport,
}: {
  label: string;
  accept: string;
  submitText: string;
  noFileMessage: string;
  check: (file: File) => Promise<R>;
  renderReport: (fileName: string, report: R) => ReactNode;
}) {
  const inputId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<Result<R>>({ kind: 'idle' });

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!file) {
      setResult({ kind: 'error', message: noFileMessage });
      return;
    }
    setResult({ kind: 'checking' });
    try {
      const report = await check(file);
      setResult({ kind: 'done', fileName: file.name, report });
    } catch (error) {
      setResult({ kind: 'error', message: error instanceof FileProblem ? error.message : messageOf(error) });
    }
  }

  return (
    <>
      <form className="card verify-form" onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label htmlFor={inputId}>{label}</label>
          <input
            id={inputId}
            type="file"
            accept={accept}
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setResult({ kind: 'idle' });
            }}
          />
        </div>
        <button type="submit" className="button button-primary" disabled={result.kind === 'checking'}>
          {submitText}
        </button>
      </form>
      <div aria-live="polite" className="verify-result">
        {result.kind === 'checking' ? <p role="status">Checking the file…</p> : null}
        {result.kind === 'error' ? (
          <Notice tone="error">
            <p>{result.message}</p>
          </Notice>
        ) : null}
        {result.kind === 'done' ? renderReport(result.fileName, result.report) : null}
      </div>
    </>
  );
}
