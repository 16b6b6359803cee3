import { randomBytes } from 'node:crypto';

/**
 * The server's one way to make an id or a secret token: `bytes` random bytes from the operating
 * system's CSPRNG, as unpadded base64url (16 bytes → 22 characters). Every stored id (cases,
 * participants, threads, messages, notes, sign-offs), every token and the live model's ids
 * (caucus rooms, requests, announcements) come from here.
 *
 * A plain function rather than a Keyring method: an id needs no key, and the live model has no
 * keyring and should not need one. The format is exactly what Keyring.randomId (libsodium,
 * URLSAFE_NO_PADDING) made before, byte count for byte count, so stored and signed records keep
 * their shape. Callers keep their byte counts: 16 for records, 32 for tokens, 12 for threads,
 * messages, assessment notes and sign-offs, 9 for caucus rooms (shared RoomId allows 4–40 characters).
 */
export function randomId(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}
