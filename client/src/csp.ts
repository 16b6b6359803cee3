/**
 * The server's Content-Security-Policy forbids eval. Zod (through @parley/shared) probes for eval
 * with `new Function('')` the first time it parses; the probe is caught, but Chrome still logs a
 * CSP violation in the console. Zod's documented switch is `z.config({ jitless: true })`, which
 * writes this same global; setting it here spares the client a direct dependency on zod.
 * Imported first by main.tsx.
 */
const g = globalThis as { __zod_globalConfig?: Record<string, unknown> };
// Mutate, never replace: zod keeps a reference to this object once it has loaded.
(g.__zod_globalConfig ??= {}).jitless = true;
export {};
