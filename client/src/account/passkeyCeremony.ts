import {
  browserSupportsWebAuthn,
  startAuthentication,
  startRegistration,
  WebAuthnError,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';
import type { Me, PasskeyList } from '@parley/shared';
import { ApiError, api, messageOf } from '../api.ts';

/**
 * The browser's side of a passkey ceremony: options from the server, the authenticator through
 * @simplewebauthn/browser, the answer back to the same attempt. Failures come out as one message
 * a person can act on.
 */

/** Why passkeys cannot be offered on this page, or null when they can. */
export function passkeysUnavailable(): string | null {
  if (!browserSupportsWebAuthn()) return 'This browser cannot use passkeys. Sign in with the one-time link instead.';
  // WebAuthn accepts no IP address as a site: the server refuses it too, with the same advice.
  const host = window.location.hostname.replace(/^\[|\]$/g, '');
  if (/^[\d.]+$/.test(host) || host.includes(':')) {
    return 'Passkeys work only when Parley is opened by a name, such as localhost or parley.example.org, not by a number address like this one.';
  }
  return null;
}

export async function addPasskey(name: string): Promise<PasskeyList> {
  const { attemptId, options } = await api.passkeyRegistrationOptions();
  let response;
  try {
    // Built by @simplewebauthn/server's generateRegistrationOptions: exactly what this library reads.
    response = await startRegistration({ optionsJSON: options as unknown as PublicKeyCredentialCreationOptionsJSON });
  } catch (err) {
    throw new Error(ceremonyMessage(err, 'add'), { cause: err });
  }
  return api.addPasskey({ attemptId, name, response });
}

export async function signInWithPasskey(): Promise<Me> {
  const { attemptId, options } = await api.passkeySigninOptions();
  let response;
  try {
    response = await startAuthentication({ optionsJSON: options as unknown as PublicKeyCredentialRequestOptionsJSON });
  } catch (err) {
    throw new Error(ceremonyMessage(err, 'sign-in'), { cause: err });
  }
  return api.passkeySignin({ attemptId, response });
}

/** A message for any failure of a ceremony: the browser's, or the server's refusal. */
export function passkeyErrorMessage(err: unknown): string {
  if (err instanceof ApiError) return messageOf(err);
  return err instanceof Error && err.message ? err.message : messageOf(err);
}

function ceremonyMessage(err: unknown, what: 'add' | 'sign-in'): string {
  const name = err instanceof WebAuthnError ? ((err.cause as Error | undefined)?.name ?? err.name) : err instanceof Error ? err.name : '';
  if (err instanceof WebAuthnError && err.code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED') return 'This device already has a passkey for your account. It is in the list below.';
  if (name === 'NotAllowedError' || name === 'AbortError') {
    return what === 'add'
      ? 'No passkey was made: the request was cancelled or timed out. You can try again.'
      : 'No passkey was used: the request was cancelled or timed out, or this device has no passkey for Parley. Try again, or sign in with the one-time link.';
  }
  return what === 'add' ? 'This device could not make a passkey. You can try again, or keep signing in with the link.' : 'This device could not use a passkey. Sign in with the one-time link instead.';
}
