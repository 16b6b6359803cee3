import fs from 'node:fs';
import path from 'node:path';
import type { Sodium } from './sodium.ts';

const B64 = (s: Sodium) => s.base64_variants.URLSAFE_NO_PADDING;

/**
 * The server's secrets. The master key (config, or a 0600 key file created on first start) wraps
 * everything else: the Ed25519 signing key for tokens and records, and one data key per case.
 * Construction: XSalsa20-Poly1305 (crypto_secretbox) with a random 24-byte nonce per sealed value;
 * sealed values are stored as base64url(nonce || ciphertext).
 */
export class Keyring {
  readonly #sodium: Sodium;
  readonly #masterKey: Uint8Array;
  readonly signPublicKey: Uint8Array;
  readonly #signSecretKey: Uint8Array;

  private constructor(sodium: Sodium, masterKey: Uint8Array, pk: Uint8Array, sk: Uint8Array) {
    this.#sodium = sodium;
    this.#masterKey = masterKey;
    this.signPublicKey = pk;
    this.#signSecretKey = sk;
  }

  /**
   * @param loadSigningKey returns the stored sealed signing key, or undefined on first start;
   * @param saveSigningKey persists a newly generated one.
   */
  static create(
    sodium: Sodium,
    masterKey: Uint8Array,
    stored: { publicKey: string; sealedSecretKey: string } | undefined,
    save: (k: { publicKey: string; sealedSecretKey: string }) => void,
  ): Keyring {
    if (masterKey.length !== sodium.crypto_secretbox_KEYBYTES) throw new Error('master key must be 32 bytes');
    if (stored) {
      const pk = sodium.from_base64(stored.publicKey, B64(sodium));
      const sk = openWith(sodium, masterKey, stored.sealedSecretKey);
      return new Keyring(sodium, masterKey, pk, sk);
    }
    const kp = sodium.crypto_sign_keypair();
    save({ publicKey: sodium.to_base64(kp.publicKey, B64(sodium)), sealedSecretKey: sealWith(sodium, masterKey, kp.privateKey) });
    return new Keyring(sodium, masterKey, kp.publicKey, kp.privateKey);
  }

  /** Master key from config, else from `<dataDir>/master.key` (created with mode 0600). */
  static loadMasterKey(sodium: Sodium, fromConfig: string | undefined, dataDir: string): { key: Uint8Array; source: 'config' | 'file-created' | 'file' } {
    if (fromConfig) return { key: sodium.from_base64(fromConfig, B64(sodium)), source: 'config' };
    const file = path.join(dataDir, 'master.key');
    if (fs.existsSync(file)) return { key: sodium.from_base64(fs.readFileSync(file, 'utf8').trim(), B64(sodium)), source: 'file' };
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const key = sodium.crypto_secretbox_keygen();
    fs.writeFileSync(file, sodium.to_base64(key, B64(sodium)) + '\n', { mode: 0o600, flag: 'wx' });
    return { key, source: 'file-created' };
  }

  get sodium(): Sodium {
    return this.#sodium;
  }

  signDetached(message: Uint8Array): Uint8Array {
    return this.#sodium.crypto_sign_detached(message, this.#signSecretKey);
  }

  verifyDetached(signature: Uint8Array, message: Uint8Array): boolean {
    try {
      return this.#sodium.crypto_sign_verify_detached(signature, message, this.signPublicKey);
    } catch {
      return false;
    }
  }

  /** A fresh per-case data key, returned with its sealed (wrapped) form for storage. */
  newCaseKey(): { key: Uint8Array; wrapped: string } {
    const key = this.#sodium.crypto_secretbox_keygen();
    return { key, wrapped: sealWith(this.#sodium, this.#masterKey, key) };
  }

  unwrapCaseKey(wrapped: string): Uint8Array {
    return openWith(this.#sodium, this.#masterKey, wrapped);
  }

  sealText(key: Uint8Array, text: string): string {
    return sealWith(this.#sodium, key, this.#sodium.from_string(text));
  }

  openText(key: Uint8Array, sealed: string): string {
    return this.#sodium.to_string(openWith(this.#sodium, key, sealed));
  }

  /** Binary records (draft updates): nonce || ciphertext, raw bytes for a BLOB column. */
  sealBytes(key: Uint8Array, data: Uint8Array): Uint8Array {
    const nonce = this.#sodium.randombytes_buf(this.#sodium.crypto_secretbox_NONCEBYTES);
    const box = this.#sodium.crypto_secretbox_easy(data, nonce, key);
    const out = new Uint8Array(nonce.length + box.length);
    out.set(nonce);
    out.set(box, nonce.length);
    return out;
  }

  /** Throws when the record was altered or sealed under another key. */
  openBytes(key: Uint8Array, sealed: Uint8Array): Uint8Array {
    const n = this.#sodium.crypto_secretbox_NONCEBYTES;
    if (sealed.length < n + this.#sodium.crypto_secretbox_MACBYTES) throw new Error('sealed value too short');
    return this.#sodium.crypto_secretbox_open_easy(sealed.subarray(n), sealed.subarray(0, n), key);
  }

  /**
   * A subkey of a case key for one purpose (BLAKE2b keyed hash of the context). Draft records are
   * sealed under a key per document, so a record moved from the notes into the agreement (or to
   * another case) no longer opens.
   */
  deriveKey(key: Uint8Array, context: string): Uint8Array {
    return this.#sodium.crypto_generichash(32, this.#sodium.from_string(`parley/v1/${context}`), key);
  }

  /** BLAKE2b-256, hex: for hashing tokens before storage and clause sets for consent. */
  hashHex(data: string | Uint8Array): string {
    return this.#sodium.crypto_generichash(32, data, null, 'hex');
  }

  randomId(bytes = 16): string {
    return this.#sodium.to_base64(this.#sodium.randombytes_buf(bytes), B64(this.#sodium));
  }
}

function sealWith(sodium: Sodium, key: Uint8Array, plaintext: Uint8Array): string {
  const nonce = sodium.randombytes_buf(sodium.crypto_secretbox_NONCEBYTES);
  const box = sodium.crypto_secretbox_easy(plaintext, nonce, key);
  const out = new Uint8Array(nonce.length + box.length);
  out.set(nonce);
  out.set(box, nonce.length);
  return sodium.to_base64(out, B64(sodium));
}

function openWith(sodium: Sodium, key: Uint8Array, sealed: string): Uint8Array {
  const raw = sodium.from_base64(sealed, B64(sodium));
  const n = sodium.crypto_secretbox_NONCEBYTES;
  if (raw.length < n + sodium.crypto_secretbox_MACBYTES) throw new Error('sealed value too short');
  return sodium.crypto_secretbox_open_easy(raw.subarray(n), raw.subarray(0, n), key);
}
