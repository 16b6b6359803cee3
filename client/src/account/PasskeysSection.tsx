import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { PasskeyName, type PasskeyInfo } from '@parley/shared';
import { api, isAbort, messageOf } from '../api.ts';
import { limitOf } from '../components/CharCount.tsx';
import { Notice } from '../components/Page.tsx';
import { capitalise, formatDateTime } from '../format.ts';
import { addPasskey, passkeyErrorMessage, passkeysUnavailable } from './passkeyCeremony.ts';
import './account.css';
import { TextField } from '../components/TextField.tsx';

const NAME_MAX = limitOf(PasskeyName);

/**
 * The mediator's passkeys, on their cases page: add one for this device, see each one's name and
 * when it was made and last used, remove one. Removing the last one is allowed: the one-time link
 * printed when Parley starts still signs them in.
 */
export function PasskeysSection() {
  const uid = useId();
  const [passkeys, setPasskeys] = useState<PasskeyInfo[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const unavailable = passkeysUnavailable();

  useEffect(() => {
    const ac = new AbortController();
    api.listPasskeys(ac.signal).then(
      (list) => setPasskeys(list.passkeys),
      (err: unknown) => {
        if (!isAbort(err)) setLoadError(messageOf(err));
      },
    );
    return () => ac.abort();
  }, []);

  async function add(e: FormEvent) {
    e.preventDefault();
    setStatus('');
    const parsed = PasskeyName.safeParse(name);
    if (!parsed.success) {
      setError(capitalise(parsed.error.issues[0]?.message ?? 'this name cannot be used'));
      inputRef.current?.focus();
      return;
    }
    setError(null);
    setBusy(true);
    try {
      const list = await addPasskey(parsed.data);
      setPasskeys(list.passkeys);
      setName('');
      setStatus(`Passkey “${parsed.data}” added. Next time, choose “Sign in with a passkey”.`);
    } catch (err) {
      setError(passkeyErrorMessage(err));
      inputRef.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  async function remove(p: PasskeyInfo) {
    const last = passkeys?.length === 1;
    // The browser's own dialog: keyboard and screen-reader friendly, and hard to confirm by accident.
    const ok = window.confirm(
      `Remove the passkey “${p.name}”?\n\nIt will no longer sign you in.${last ? ' You can still sign in with a one-time link: by e-mail where this platform sends mail, or from the administrator.' : ''} The passkey may stay on the device; you can delete it there too.`,
    );
    if (!ok) return;
    setStatus('');
    try {
      const list = await api.removePasskey(p.id);
      setPasskeys(list.passkeys);
      setStatus(`Passkey “${p.name}” removed.`);
    } catch (err) {
      setStatus(messageOf(err));
    }
  }

  return (
    <section className="card passkeys" aria-labelledby={`${uid}-heading`}>
      <h2 id={`${uid}-heading`}>Passkeys</h2>
      <p className="muted">
        A passkey signs you in with this device’s screen lock (fingerprint, face or PIN) instead of the one-time link. Parley
        keeps only its public key; the secret part never leaves your device. You can always sign in with a one-time link as
        well: by e-mail where this platform sends mail, or from the administrator (who gets one each time Parley starts).
      </p>
      {loadError ? <p className="field-error">{loadError}</p> : null}
      {passkeys && passkeys.length > 0 ? (
        <ul className="passkey-list">
          {passkeys.map((p) => (
            <li key={p.id} className="passkey-item">
              <span className="passkey-name">{p.name}</span>
              <span className="muted passkey-dates">
                Added {formatDateTime(p.createdAt)} · {p.lastUsedAt ? `last used ${formatDateTime(p.lastUsedAt)}` : 'not used yet'}
              </span>
              <button type="button" className="button button-quiet button-small" onClick={() => void remove(p)} aria-label={`Remove the passkey ${p.name}`}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : passkeys ? (
        <p>You have no passkeys yet.</p>
      ) : null}
      {unavailable ? (
        <Notice tone="info">
          <p>{unavailable}</p>
        </Notice>
      ) : (
        <form className="passkey-form" onSubmit={(e) => void add(e)} noValidate>
          <TextField
            id={`${uid}-name`}
            label="Name of this device"
            value={name}
            max={NAME_MAX}
            placeholder="For example: Laptop"
            inputRef={inputRef}
            error={error}
            onValue={(v) => {
              setName(v);
              setError(null);
            }}
          />
          <button type="submit" className="button button-secondary" disabled={busy}>
            {busy ? 'Waiting for your device…' : 'Add a passkey'}
          </button>
        </form>
      )}
      <p className="save-status" role="status">
        {status}
      </p>
    </section>
  );
}
