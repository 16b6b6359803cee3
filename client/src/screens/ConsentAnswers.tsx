import { useId, useRef, useState, type FormEvent } from 'react';
import { CONSENT_TEXT_MAX, type ConsentAnswer, type InvitationView } from '@parley/shared';
import { api, messageOf } from '../api.ts';
import { CharCount } from '../components/CharCount.tsx';
import { formatDateTime } from '../format.ts';

/**
 * What a person can say about the protocol agreement other than "I agree" [3.6.8]: ask the
 * mediator a question, decline, or (once agreed) withdraw their consent. The mediator sees each
 * on their case page. Answers to questions come from the mediator directly, outside this page:
 * before agreeing, nobody can read the case's messages, so the page says so rather than pretend.
 */

/** One of the person's own answers, in their words, with where it stands. */
function answerSentence(a: ConsentAnswer): { head: string; status: string } {
  const when = formatDateTime(a.at);
  switch (a.kind) {
    case 'question':
      return {
        head: `You asked the mediator on ${when}:`,
        status: a.answeredAt
          ? `The mediator marked this question as answered on ${formatDateTime(a.answeredAt)}.`
          : 'Waiting for the mediator. They will answer you directly, outside this page (for example by phone or e-mail).',
      };
    case 'declined':
      return {
        head: `You declined the protocol agreement on ${when}${a.text ? ':' : '.'}`,
        status: a.current
          ? 'The mediator has been told. You cannot join the session unless you agree. You can still agree at any time while your link works.'
          : 'The mediator has changed the agreement since then. Please read it again.',
      };
    case 'withdrawn':
      return {
        head: `You withdrew your consent on ${when}${a.text ? ':' : '.'}`,
        status: 'The mediator has been told. To take part again, read the agreement and agree.',
      };
  }
}

/** The person's own questions, declines and withdrawals, newest first (only the five newest). */
export function OwnAnswers({ answers }: { answers: ConsentAnswer[] }) {
  const uid = useId();
  if (answers.length === 0) return null;
  return (
    <section className="own-answers" aria-labelledby={`${uid}-h`}>
      <h3 id={`${uid}-h`}>What you told the mediator</h3>
      <ul>
        {answers.slice(0, 5).map((a) => {
          const { head, status } = answerSentence(a);
          return (
            <li key={a.id} className={`own-answer own-answer-${a.kind}`}>
              <p>{head}</p>
              {a.text ? <blockquote>{a.text}</blockquote> : null}
              <p className="muted">{status}</p>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

type Mode = null | 'question' | 'decline';

/** "Not ready to agree?": a question to the mediator, or a decline with an optional reason. */
export function NotReadyToAgree({ token, onAnswered }: { token: string; onAnswered: (next: InvitationView, said: string) => void }) {
  const uid = useId();
  const [mode, setMode] = useState<Mode>(null);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fieldRef = useRef<HTMLTextAreaElement>(null);

  function open(next: Mode) {
    setMode(next);
    setText('');
    setError(null);
    requestAnimationFrame(() => fieldRef.current?.focus());
  }

  async function send(e: FormEvent) {
    e.preventDefault();
    if (busy || !mode) return;
    if (mode === 'question' && !text.trim()) {
      setError('Write your question first.');
      fieldRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const next = mode === 'question' ? await api.askQuestion(token, text.trim()) : await api.declineConsent(token, text.trim());
      const said = mode === 'question' ? 'Your question was sent to the mediator.' : 'You declined the protocol agreement. The mediator has been told.';
      setMode(null);
      setText('');
      onAnswered(next, said);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  const label = mode === 'question' ? 'Your question to the mediator' : 'Why you decline (optional)';
  return (
    <section className="not-ready" aria-labelledby={`${uid}-h`}>
      <h3 id={`${uid}-h`}>Not ready to agree?</h3>
      <p>
        You can ask the mediator a question first, or decline. The mediator sees what you send on their page for this case, with
        your name and the time. You cannot join the session until you agree.
      </p>
      {mode === null ? (
        <div className="button-row">
          <button type="button" className="button button-secondary" onClick={() => open('question')}>
            Ask the mediator a question
          </button>
          <button type="button" className="button button-quiet" onClick={() => open('decline')}>
            Decline the agreement
          </button>
        </div>
      ) : (
        <form onSubmit={send} className="answer-form" noValidate>
          <div className="field">
            <label htmlFor={`${uid}-text`}>{label}</label>
            <textarea
              ref={fieldRef}
              id={`${uid}-text`}
              rows={4}
              value={text}
              maxLength={CONSENT_TEXT_MAX}
              onChange={(e) => setText(e.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={[`${uid}-count`, error ? `${uid}-error` : ''].filter(Boolean).join(' ')}
            />
            <CharCount id={`${uid}-count`} value={text} max={CONSENT_TEXT_MAX} />
            {error ? (
              <p className="field-error" id={`${uid}-error`} role="alert">
                {error}
              </p>
            ) : null}
          </div>
          <div className="button-row">
            <button type="submit" className={mode === 'decline' ? 'button button-danger' : 'button button-primary'} disabled={busy}>
              {busy ? 'Sending…' : mode === 'question' ? 'Send question' : 'Decline the agreement'}
            </button>
            <button type="button" className="button button-quiet" onClick={() => setMode(null)} disabled={busy}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

/**
 * Taking back a consent given earlier. The server ends every connection of the person at once
 * (the live session closes with its own reason, 4414) and records it; the person may agree again.
 */
export function WithdrawConsent({ token, onWithdrawn }: { token: string; onWithdrawn?: (next: InvitationView) => void }) {
  const uid = useId();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fieldRef = useRef<HTMLTextAreaElement>(null);

  async function withdraw(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const next = await api.withdrawConsent(token, reason.trim());
      onWithdrawn?.(next);
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  }

  return (
    <div className="withdraw-consent">
      {/* Not "muted": it is read in the dark live session too, where grey on dark is too faint. */}
      <p>
        You agreed to the protocol agreement. You can withdraw your consent at any time: you leave the session at once and
        cannot come back unless you agree again. The mediator is told, and it is written in the session record.
      </p>
      {!open ? (
        <button
          type="button"
          className="button button-quiet"
          aria-expanded={false}
          onClick={() => {
            setOpen(true);
            requestAnimationFrame(() => fieldRef.current?.focus());
          }}
        >
          Withdraw my consent…
        </button>
      ) : (
        <form onSubmit={withdraw} className="answer-form" noValidate>
          <div className="field">
            <label htmlFor={`${uid}-reason`}>Why you withdraw (optional, the mediator reads it)</label>
            <textarea
              ref={fieldRef}
              id={`${uid}-reason`}
              rows={3}
              value={reason}
              maxLength={CONSENT_TEXT_MAX}
              onChange={(e) => setReason(e.target.value)}
              aria-describedby={`${uid}-count`}
            />
            <CharCount id={`${uid}-count`} value={reason} max={CONSENT_TEXT_MAX} />
          </div>
          {error ? (
            <p className="field-error" role="alert">
              {error}
            </p>
          ) : null}
          <div className="button-row">
            <button type="submit" className="button button-danger" disabled={busy}>
              {busy ? 'Withdrawing…' : 'Withdraw consent and leave'}
            </button>
            <button type="button" className="button button-quiet" onClick={() => setOpen(false)} disabled={busy}>
              Keep my consent
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
