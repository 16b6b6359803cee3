import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { cose, isoCBOR } from '@simplewebauthn/server/helpers';
import type { AuthenticationResponse, RegistrationResponse, WebAuthnOptionsJSON } from '@parley/shared';

/**
 * A software passkey for tests: one ES256 key pair (node:crypto) answering WebAuthn ceremonies the
 * way a platform authenticator does, "none" attestation, user present and verified. The CBOR and
 * COSE encodings come from @simplewebauthn/server's helpers; only the byte layout of the
 * authenticator data (WebAuthn §6.1) is written here. `counter` is public so that a test can turn
 * it back.
 */
export class SoftAuthenticator {
  readonly credentialId = randomBytes(16).toString('base64url');
  counter = 0;
  readonly #key: { privateKey: KeyObject; publicKey: KeyObject };
  /** The user handle it was made with (base64url), returned on each sign-in as a resident passkey does. */
  userHandle: string | undefined;

  constructor() {
    this.#key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  }

  /** Answers navigator.credentials.create() for these options, as the page at `origin`. */
  register(options: WebAuthnOptionsJSON, origin: string): RegistrationResponse {
    const rpID = (options.rp as { id: string }).id;
    this.userHandle = (options.user as { id: string }).id;
    const jwk = this.#key.publicKey.export({ format: 'jwk' });
    const coseKey = new Map<number, number | Uint8Array>([
      [cose.COSEKEYS.kty, cose.COSEKTY.EC2],
      [cose.COSEKEYS.alg, cose.COSEALG.ES256],
      [cose.COSEKEYS.crv, cose.COSECRV.P256],
      [cose.COSEKEYS.x, Buffer.from(jwk.x!, 'base64url')],
      [cose.COSEKEYS.y, Buffer.from(jwk.y!, 'base64url')],
    ]);
    const credId = Buffer.from(this.credentialId, 'base64url');
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(credId.length);
    // Attested credential data: AAGUID (zeros: none attestation), id length, id, public key.
    const attested = Buffer.concat([Buffer.alloc(16), idLength, credId, Buffer.from(isoCBOR.encode(coseKey))]);
    const authData = this.#authData(rpID, FLAGS.UP | FLAGS.UV | FLAGS.AT, attested);
    const attestationObject = isoCBOR.encode(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]) as Parameters<typeof isoCBOR.encode>[0]);
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: 'public-key',
      response: {
        clientDataJSON: clientData('webauthn.create', options.challenge, origin),
        attestationObject: Buffer.from(attestationObject).toString('base64url'),
        transports: ['internal'],
      },
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
    };
  }

  /** Answers navigator.credentials.get() for these options: the counter goes up by one first. */
  signIn(options: WebAuthnOptionsJSON, origin: string, opts: { rpID?: string } = {}): AuthenticationResponse {
    this.counter++;
    const rpID = opts.rpID ?? (options.rpId as string);
    const authData = this.#authData(rpID, FLAGS.UP | FLAGS.UV);
    const clientDataJSON = clientData('webauthn.get', options.challenge, origin);
    const signed = Buffer.concat([authData, createHash('sha256').update(Buffer.from(clientDataJSON, 'base64url')).digest()]);
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: 'public-key',
      response: {
        clientDataJSON,
        authenticatorData: authData.toString('base64url'),
        // DER-encoded ECDSA, as WebAuthn's ES256 signatures are.
        signature: sign('sha256', signed, this.#key.privateKey).toString('base64url'),
        ...(this.userHandle ? { userHandle: this.userHandle } : {}),
      },
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
    };
  }

  #authData(rpID: string, flags: number, attested?: Buffer): Buffer {
    const count = Buffer.alloc(4);
    count.writeUInt32BE(this.counter);
    return Buffer.concat([createHash('sha256').update(rpID).digest(), Buffer.from([flags]), count, ...(attested ? [attested] : [])]);
  }
}

const FLAGS = { UP: 0x01, UV: 0x04, AT: 0x40 } as const;

function clientData(type: string, challenge: string, origin: string): string {
  return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false })).toString('base64url');
}
