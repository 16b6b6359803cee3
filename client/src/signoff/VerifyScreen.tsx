import { useEffect, useState } from 'react';
import type { VerifyReport } from '@parley/shared';
import { api, isAbort } from '../api.ts';
import { FileCheckForm } from '../components/FileCheckForm.tsx';
import { Notice, PageHeading, Shell, useDocumentTitle } from '../components/Page.tsx';
import { formatWhenWithZone, verificationCode, verifyFile } from './signoff.ts';

/** `/verify`: anyone (no sign-in) checks a downloaded agreement file against this platform's key. */
export function VerifyScreen() {
  useDocumentTitle('Check an agreement file');
  const [platformKey, setPlatformKey] = useState<string | null>(null);

  useEffect(() => {
    const ctrl = new AbortController();
    api.agreementPublicKey(ctrl.signal).then(
      (k) => setPlatformKey(k.fingerprint),
      (error) => {
        if (!isAbort(error)) setPlatformKey(null);
      },
    );
    return () => ctrl.abort();
  }, []);

  return (
    <Shell narrow>
      <PageHeading>Check an agreement file</PageHeading>
      <p className="lead">
        Upload an agreement you downloaded from Parley. We check that the text, the names and the times are exactly as they
        were signed, and that the signatures were made by this platform.
      </p>
      <FileCheckForm
        label="Agreement file (HTML)"
        accept=".html,.htm,text/html"
        submitText="Check this file"
        noFileMessage="Choose the agreement file first (the .html file you downloaded)."
        check={async (file) => verifyFile(await file.text())}
        renderReport={(fileName, report) => <ReportView fileName={fileName} report={report} />}
      />

      <p className="muted">
        This platform&rsquo;s signing key fingerprint: <code>{platformKey ?? 'unavailable'}</code>. The same fingerprint is printed at the
        end of every agreement file it exports.
      </p>
    </Shell>
  );
}

function ReportView({ fileName, report }: { fileName: string; report: VerifyReport }) {
  return (
    <section aria-labelledby="verify-result-heading" className="verify-report">
      <h2 id="verify-result-heading" className="h3">
        Result for {fileName}
      </h2>
      {report.valid ? (
        <Notice tone="success" title="This agreement is intact and signed by every party">
          <p>Nothing in the file was changed since it was exported, and every signature was made by this platform.</p>
        </Notice>
      ) : (
        <Notice tone="error" title="This file is not an intact, fully signed agreement">
          <ul>
            {report.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </Notice>
      )}
      <dl className="facts">
        {report.textHash ? (
          <div>
            <dt>Verification code</dt>
            <dd>
              <code className="signoff-code">{verificationCode(report.textHash)}</code>
            </dd>
          </div>
        ) : null}
        <div>
          <dt>Server key fingerprint in the file</dt>
          <dd>
            <code>{report.serverKeyFingerprint ?? 'none'}</code>
          </dd>
        </div>
      </dl>
      {report.signatures.length ? (
        <>
          <h3 className="h3">Signatures in the file</h3>
          <ul className="signoff-signers">
            {report.signatures.map((s, i) => (
              <li key={`${s.displayName}-${i}`}>
                <span className="signoff-name">{s.displayName}</span>, {formatWhenWithZone(s.signedAt) || s.signedAt}:{' '}
                {s.valid ? <span className="signoff-signed">signature valid</span> : <strong>signature does not verify</strong>}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
