import { z } from 'zod';
import { Id } from './domain.ts';

/**
 * Passkeys (WebAuthn) for the mediator's sign-in [issue 13]. The server builds the options with
 * @simplewebauthn/server and checks the answers with it; the browser hands them to the
 * authenticator with @simplewebauthn/browser. What crosses the wire from the browser is checked
 * here first: the WebAuthn JSON shapes, each string bounded, so nothing unbounded reaches the
 * library's decoders. Each ceremony is bound to one attempt: the client sends back the attempt id
 * it was given with the options, and the server uses that attempt's challenge once.
 */

/** How long an attempt (its challenge) is good for: time to pick a passkey and unlock it. */
export const PASSKEY_ATTEMPT_TTL_MS = 5 * 60_000;
/** Passkeys one mediator may keep: plenty for every device they use, and a bound on the list. */
export const MAX_PASSKEYS = 20;

/** Unpadded base64url, as WebAuthn's JSON encodes its binary values. */
const b64url = (max: number) => z.string().min(1).max(max).regex(/^[A-Za-z0-9_-]+$/, 'not base64url');

/** A credential id: at most 1023 bytes (WebAuthn Level 3), 1364 characters of base64url. */
const CredentialId = b64url(1364);
/** How an authenticator can be reached ("internal", "hybrid", "usb"…): kept only as a hint for the browser. */
const Transports = z.array(z.string().regex(/^[a-z-]{1,24}$/)).max(8);
const Attachment = z.enum(['platform', 'cross-platform']);
/** Extension outputs: only credProps is read (the rest is dropped, not refused). */
const ClientExtensionResults = z.object({ credProps: z.object({ rk: z.boolean().optional() }).optional() });

/** An attempt id: the random handle of one server-side challenge. */
export const AttemptId = z.string().regex(/^[A-Za-z0-9_-]{22,64}$/, 'not a valid attempt');

/** The name the mediator gives a passkey ("Laptop", "Phone"): trimmed, 1–60 characters, one line. */
export const PasskeyName = z
  .string()
  .trim()
  .min(1, 'give this passkey a name, such as “Laptop”')
  .max(60, 'at most 60 characters')
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'the name cannot contain control characters');

/** What navigator.credentials.create() answered, as JSON (RegistrationResponseJSON). */
export const RegistrationResponse = z.object({
  id: CredentialId,
  rawId: CredentialId,
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: b64url(4096),
    /** "none" attestation is asked for; a packed one with a certificate chain still fits. */
    attestationObject: b64url(16_384),
    authenticatorData: b64url(4096).optional(),
    transports: Transports.optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: b64url(4096).optional(),
  }),
  authenticatorAttachment: Attachment.optional(),
  clientExtensionResults: ClientExtensionResults,
});
export type RegistrationResponse = z.infer<typeof RegistrationResponse>;

/** What navigator.credentials.get() answered, as JSON (AuthenticationResponseJSON). */
export const AuthenticationResponse = z.object({
  id: CredentialId,
  rawId: CredentialId,
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: b64url(4096),
    authenticatorData: b64url(4096),
    signature: b64url(2048),
    /** The user handle the passkey was made with (64 bytes at most). */
    userHandle: b64url(88).optional(),
  }),
  authenticatorAttachment: Attachment.optional(),
  clientExtensionResults: ClientExtensionResults,
});
export type AuthenticationResponse = z.infer<typeof AuthenticationResponse>;

/** POST /api/me/passkeys: the new passkey's name and the authenticator's answer to that attempt. */
export const AddPasskeyBody = z.strictObject({ attemptId: AttemptId, name: PasskeyName, response: RegistrationResponse });
export type AddPasskeyBody = z.infer<typeof AddPasskeyBody>;

/** POST /api/auth/passkey: the authenticator's answer to that attempt. */
export const PasskeySigninBody = z.strictObject({ attemptId: AttemptId, response: AuthenticationResponse });
export type PasskeySigninBody = z.infer<typeof PasskeySigninBody>;

/**
 * The options for navigator.credentials.create() / get() as @simplewebauthn/server builds them
 * (PublicKeyCredentialCreationOptionsJSON / …RequestOptionsJSON); the client passes them on to
 * @simplewebauthn/browser unread, so they are not spelled out here.
 */
export type WebAuthnOptionsJSON = { challenge: string } & Record<string, unknown>;

/** The start of a ceremony: the options, and the attempt to send the answer back to. */
export interface PasskeyAttempt {
  attemptId: string;
  options: WebAuthnOptionsJSON;
}

/** One of the mediator's passkeys, as their account page lists it. */
export const PasskeyInfo = z.object({
  id: Id,
  name: z.string(),
  createdAt: z.string(),
  /** When it last signed the mediator in; null if never. */
  lastUsedAt: z.string().nullable(),
});
export type PasskeyInfo = z.infer<typeof PasskeyInfo>;

export interface PasskeyList {
  passkeys: PasskeyInfo[];
}
