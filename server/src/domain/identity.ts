import type { CasePhase, Role } from '@parley/shared';

/** Who a request or connection is, once authenticated: the case, the person and their role. */
export interface Identity {
  caseId: string;
  participantId: string;
  role: Role;
  displayName: string;
  side: string | null;
  /** The invitation id for invitees; undefined for the mediator (cookie session). */
  jti?: string;
  /** When the invitation link expires (epoch ms), for invitees. */
  expiresAt?: number;
  /**
   * Where the case stood when this identity was read (every request re-reads it): what the case
   * allows in its state is decided from it (`caseAllows`, in the AccessGate).
   */
  phase: CasePhase;
}
