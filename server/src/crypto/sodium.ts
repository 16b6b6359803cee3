import _sodium from 'libsodium-wrappers';

export type Sodium = typeof _sodium;

let ready: Promise<Sodium> | undefined;

/** libsodium is WebAssembly: it must be initialised once before use. */
export function getSodium(): Promise<Sodium> {
  ready ??= _sodium.ready.then(() => _sodium);
  return ready;
}
