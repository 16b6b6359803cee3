import type { AgreementStatus, Role } from '@parley/shared';
import { sessionAgreementNotice } from './signoff.ts';

/**
 * In the live session: that a version of the agreement is frozen for signature (and that editing
 * the draft withdraws it), signed, or withdrawn, from what the server said (agreement:updated).
 * `compact`: above the videos, only while this party still has to sign.
 */
export function SessionAgreementBanner({
  status,
  self,
  onOpen,
  compact,
}: {
  status: AgreementStatus | null;
  self: { id: string; role: Role };
  onOpen: (() => void) | null;
  compact?: boolean;
}) {
  const notice = sessionAgreementNotice(status, self, !!onOpen);
  if (!notice || (compact && !notice.mySignatureNeeded)) return null;
  return (
    <div className={`banner banner-${notice.tone === 'success' ? 'info' : notice.tone} banner-action agreement-banner`} role="status" data-testid={compact ? 'agreement-banner-compact' : 'agreement-banner'}>
      <div>
        <p className="notice-title">{notice.title}</p>
        <p>{compact ? 'Please read it and sign it if you agree. Editing the draft withdraws it.' : notice.text}</p>
      </div>
      {notice.action && onOpen ? (
        <button type="button" className={`button button-small ${notice.mySignatureNeeded ? 'button-primary' : 'button-secondary'}`} onClick={onOpen}>
          {notice.action}
        </button>
      ) : null}
    </div>
  );
}
