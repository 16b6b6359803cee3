import { useId, useState } from 'react';
import { httpRoutes } from '@parley/shared';
import { messageOf, saveWithToken } from '../api.ts';
import './lifecycle.css';

/**
 * A person's own data from their link [issue 15, item 3; 2.9]: what the platform holds about them
 * on this case, as a page to read or print and as data. Fetched with their token (never put in a URL).
 */
export function YourData({ token }: { token: string }) {
  const uid = useId();
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);

  async function download(kind: 'page' | 'data') {
    setBusy(true);
    setStatus('');
    try {
      if (kind === 'page') await saveWithToken(httpRoutes.myDataExport, {}, token, 'my-parley-data.html');
      else await saveWithToken(httpRoutes.myData, {}, token, 'my-parley-data.json');
      setStatus(kind === 'page' ? 'Downloaded. Open the file in your browser to read or print it.' : 'Downloaded.');
    } catch (err) {
      setStatus(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <details className="your-data">
      <summary>What Parley holds about you</summary>
      <p id={`${uid}-d`} className="muted">
        Your consent to the protocol agreement and your answers about it, the messages you wrote, the versions of the agreement
        you signed, and what the session record notes of you. Nothing another person wrote is in it.
      </p>
      <div className="button-row">
        <button type="button" className="button button-secondary button-small" disabled={busy} aria-describedby={`${uid}-d`} onClick={() => void download('page')}>
          Download as a page
        </button>
        <button type="button" className="button button-quiet button-small" disabled={busy} onClick={() => void download('data')}>
          Download as data (JSON)
        </button>
      </div>
      <p className="save-status" role="status">
        {status}
      </p>
    </details>
  );
}
