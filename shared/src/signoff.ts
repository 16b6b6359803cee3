import { z } from 'zod';
import { Id, type Role } from './domain.ts';

export * from './agreement-render.ts';

/**
 * Sign-off of the agreement [3.8.1, 3.8.2]: the mediator freezes one exact text; each party reads
 * that text and signs it; the server records an Ed25519 signature over a canonical record of who
 * signed which text when. Any edit of the draft before everyone has signed voids the version.
 */
export const SignBody = z
  .object({
    versionId: Id,
    /** The hash of the text the person was shown: refused if it is not the frozen one. */
    textHash: z.string().regex(/^[0-9a-f]{64}$/),
    confirm: z.literal(true, { message: 'confirm that you read and agree to this exact text' }),
  })
  .strict();
export type SignBody = z.infer<typeof SignBody>;

/** The signed statement. Field order does not matter: it is signed as canonical JSON. */
export interface SignatureRecord {
  v: 1;
  type: 'parley.agreement-signature';
  caseId: string;
  versionId: string;
  version: number;
  textHash: string;
  participantId: string;
  displayName: string;
  role: Role;
  signedAt: string;
}

export interface AgreementVersionView {
  id: string;
  version: number;
  text: string;
  textHash: string;
  frozenAt: string;
  status: 'awaiting-signatures' | 'signed' | 'voided';
  voidedAt: string | null;
  voidReason: string | null;
  /** Everyone whose signature the agreement needs (the parties), and whether they signed. */
  signers: Array<{ participantId: string; displayName: string; role: Role; signedAt: string | null }>;
}

/**
 * The state of the current version without its text: what everyone in the live session is told
 * when a version is frozen, signed or withdrawn (the text itself is read over the review page).
 */
export type AgreementStatus = Omit<AgreementVersionView, 'text'>;

export function agreementStatusOf(v: AgreementVersionView | null): AgreementStatus | null {
  if (!v) return null;
  const { text: _text, ...status } = v;
  return status;
}

/** Parties sign; the mediator, advisors and observers do not. */
export function mustSign(role: Role): boolean {
  return role === 'party';
}

export interface VerifyReport {
  valid: boolean;
  /** Plain-language findings, empty when valid. */
  problems: string[];
  signatures: Array<{ displayName: string; signedAt: string; valid: boolean }>;
  textHash: string | null;
  serverKeyFingerprint: string | null;
}
