import { z } from 'zod';

/** For pages under a CSP without 'unsafe-eval': zod otherwise probes `new Function` (a logged violation) and compiles parsers with it. */
export function useJitlessZod(): void {
  z.config({ jitless: true });
}
