import { useState } from 'react';
import { mustSign, type AgreementVersionView, type Role } from '@parley/shared';
import { api, isAbort } from '../api.ts';
import { formatWhen, openLabel, reasonPhrase } from './signoff.ts';
import { listNames } from '../format.ts';
import { usePolling } from '../components/useLoad.tsx';

/**
 * On the invitee's page before joining: whether there is an agreement to sign, and the button to
 * review it. Polls every 5 s while visible, so the button appears when the mediator freezes.
 */
export function PartyAgreementEntry({ token, self, onOpen }: { token: string; self: { id: string; role: Role }; onOpen: () => void }) {
  const [current, setCurrent] = useState<AgreementVersionView | null | undefined>(undefined);
  usePolling(
    async (signal) => {
      try {
        setCurrent((await api.invitationAgreement(token, signal)).current);
      } catch (error) {
        // A failed poll keeps the last known state; the next one tries again.
        if (!isAbort(error)) return;
      }
    },
    5000,
    token,
  );

  if (current === undefined) return null;
  const signer = mustSign(self.role);
  const mine = current?.signers.find((s) => s.participantId === self.id);
  let status: string;
  if (!current)
    status = signer
      ? 'No agreement to sign yet. When the mediator freezes the text for signature, you can review and sign it here.'
      : 'No agreement frozen for signature yet. When the mediator freezes the text, you can read it here.';
  else if (current.status === 'voided') status = `No agreement to sign right now: version ${current.version} was withdrawn (${reasonPhrase(current.voidReason)}).`;
  else if (current.status === 'signed') status = `Version ${current.version} of the agreement is signed by every party.`;
  else if (mine?.signedAt) status = `You signed version ${current.version} at ${formatWhen(mine.signedAt)}. Waiting for ${listNames(current.signers.filter((s) => !s.signedAt).map((s) => s.displayName))} to sign.`;
  else status = signer ? `Version ${current.version} of the agreement is ready for your signature.` : `Version ${current.version} of the agreement is frozen for the parties to sign.`;

  const open = current && current.status !== 'voided';
  return (
    <p className="signoff-entry">
      {open ? (
        <>
          <button type="button" className="button button-primary" onClick={onOpen}>
            {openLabel(current, self)}
          </button>{' '}
        </>
      ) : null}
      <span className={open ? 'muted' : 'muted signoff-entry-status'} role="status">
        {status}
      </span>
    </p>
  );
}
