import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, keyFileProblem } from '../config.ts';
import type { Sodium } from './sodium.ts';

const B64 = (s: Sodium) => s.base64_variants.URLSAFE_NO_PADDING;

/** Where the master key came from; shown at start (main.ts) and warned about when a copy of the data folder carries it. */
export interface MasterKeySource {
  /** PARLEY_MASTER_KEY, PARLEY_MASTER_KEY_FILE, or the generated `master.key` in the data folder. */
  kind: 'env' | 'key-file' | 'data-dir';
  /** The file it was read from or created in (null for PARLEY_MASTER_KEY). */
  path: string | null;
  /** Generated at this start (first start without a configured key). */
  created: boolean;
  /** A key file inside the data folder, where every copy or backup of the folder takes it along. */
  exposedAt: string | null;
}

export interface MasterKeyOptions {
  /** PARLEY_MASTER_KEY. */
  key?: string | undefined;
  /** PARLEY_MASTER_KEY_FILE, absolute. */
  keyFile?: string | undefined;
  dataDir: string;
  /** The database already holds data sealed with some master key (its signing key). */
  hasData: boolean;
}

const SET_KEY_HINT = 'Set PARLEY_MASTER_KEY_FILE (a file holding the key, e.g. a docker or systemd secret) or PARLEY_MASTER_KEY';

/** The start-up warning for a master key that a copy of the data folder carries, or null. */
export function masterKeyWarning(source: MasterKeySource): string | null {
  if (!source.exposedAt) return null;
  if (source.kind === 'data-dir') {
    return `WARNING: the master key is stored beside the database (${source.exposedAt}). Anyone with a copy of this folder can read every case. Move it to a secret store: set PARLEY_MASTER_KEY_FILE or PARLEY_MASTER_KEY.`;
  }
  if (source.exposedAt === source.path) {
    return `WARNING: PARLEY_MASTER_KEY_FILE points into the data folder (${source.exposedAt}). Anyone with a copy of this folder can read every case. Keep the key file outside it, in a secret store.`;
  }
  return `WARNING: a master key file is still in the data folder (${source.exposedAt}). Anyone with a copy of this folder can read every case. Now that the key comes from ${source.kind === 'env' ? 'PARLEY_MASTER_KEY' : 'PARLEY_MASTER_KEY_FILE'}, delete that file.`;
}

/**
 * The server's secrets. The master key (PARLEY_MASTER_KEY, PARLEY_MASTER_KEY_FILE, or a 0600 key
 * file created in the data folder on first start) wraps everything else: the Ed25519 signing key
 * for tokens and records, and one data key per case.
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

  /**
   * The master key from PARLEY_MASTER_KEY, else from the file PARLEY_MASTER_KEY_FILE names, else
   * from `<dataDir>/master.key`, which is created (0600) only for a new database: existing data
   * without its key is refused, since a new key could not open it. Problems the operator must fix
   * are ConfigErrors.
   */
  static loadMasterKey(sodium: Sodium, opts: MasterKeyOptions): { key: Uint8Array; source: MasterKeySource } {
    const inDataDir = path.join(opts.dataDir, 'master.key');
    const leftover = fs.existsSync(inDataDir) ? inDataDir : null;
    const decode = (text: string) => sodium.from_base64(text.trim(), B64(sodium));
    if (opts.key) return { key: decode(opts.key), source: { kind: 'env', path: null, created: false, exposedAt: leftover } };
    if (opts.keyFile) {
      const problem = keyFileProblem(opts.keyFile);
      if (problem) throw new ConfigError(`PARLEY_MASTER_KEY_FILE: ${problem}.`);
      const rel = path.relative(opts.dataDir, opts.keyFile);
      const inside = !rel.startsWith('..') && !path.isAbsolute(rel);
      return {
        key: decode(fs.readFileSync(opts.keyFile, 'utf8')),
        source: { kind: 'key-file', path: opts.keyFile, created: false, exposedAt: inside ? opts.keyFile : leftover },
      };
    }
    if (leftover) {
      const problem = keyFileProblem(inDataDir);
      if (problem) throw new ConfigError(`The master key file in the data folder is damaged: ${problem}. ${SET_KEY_HINT} to the key this data was created with.`);
      return { key: decode(fs.readFileSync(inDataDir, 'utf8')), source: { kind: 'data-dir', path: inDataDir, created: false, exposedAt: inDataDir } };
    }
    if (opts.hasData) {
      throw new ConfigError(
        `This database holds data sealed with a master key that is not here: neither PARLEY_MASTER_KEY_FILE nor PARLEY_MASTER_KEY is set, and there is no master.key in ${opts.dataDir}. ` +
          `${SET_KEY_HINT} to the key the data was created with. Parley does not create a new key for existing data: it could not open it.`,
      );
    }
    fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    const key = sodium.crypto_secretbox_keygen();
    fs.writeFileSync(inDataDir, sodium.to_base64(key, B64(sodium)) + '\n', { mode: 0o600, flag: 'wx' });
    return { key, source: { kind: 'data-dir', path: inDataDir, created: true, exposedAt: inDataDir } };
  }

  /**
   * Loads the master key and opens the stored signing key with it (or creates one on first start).
   * A key that does not open the stored one is a ConfigError: the wrong key for this data.
   */
  static open(
    sodium: Sodium,
    opts: Omit<MasterKeyOptions, 'hasData'>,
    stored: { publicKey: string; sealedSecretKey: string } | undefined,
    save: (k: { publicKey: string; sealedSecretKey: string }) => void,
  ): { keys: Keyring; source: MasterKeySource } {
    const master = Keyring.loadMasterKey(sodium, { ...opts, hasData: stored !== undefined });
    try {
      return { keys: Keyring.create(sodium, master.key, stored, save), source: master.source };
    } catch (cause) {
      if (!stored) throw cause; // not a key problem: nothing had to be opened
      const from = master.source.kind === 'env' ? 'PARLEY_MASTER_KEY' : `${master.source.path}`;
      throw new ConfigError(`The master key from ${from} does not open this data: it is not the key the data was created with. ${SET_KEY_HINT} to that key.`, { cause });
    }
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

  /**
   * Account data that belongs to no case (a mediator's e-mail address): sealed under a subkey of
   * the master key, so a copy of the database without the key does not reveal it.
   */
  sealAccountText(text: string): string {
    return sealWith(this.#sodium, this.#masterSubkey('accounts/seal'), this.#sodium.from_string(text));
  }

  openAccountText(sealed: string): string {
    return this.#sodium.to_string(openWith(this.#sodium, this.#masterSubkey('accounts/seal'), sealed));
  }

  /**
   * A keyed hash (BLAKE2b under a subkey of the master key), hex: finds a sealed value again by
   * its plaintext (an e-mail address) without storing it, and unlike a plain hash cannot be
   * reversed by trying likely addresses without the key.
   */
  lookupHash(purpose: string, value: string): string {
    return this.#sodium.crypto_generichash(32, this.#sodium.from_string(value), this.#masterSubkey(`lookup/${purpose}`), 'hex');
  }

  #masterSubkey(context: string): Uint8Array {
    return this.deriveKey(this.#masterKey, context);
  }

  /** BLAKE2b-256, hex: for hashing tokens before storage and clause sets for consent. */
  hashHex(data: string | Uint8Array): string {
    return this.#sodium.crypto_generichash(32, data, null, 'hex');
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
