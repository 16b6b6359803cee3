/**
 * Imported first by main.tsx, for the server's CSP (no 'unsafe-eval'). zod decides whether to probe
 * for eval as each schema is built, i.e. while @parley/shared is evaluated, and ES modules evaluate
 * every import before the importer's body: a call in main.tsx itself would come too late. Imported
 * from its own subpath because '@parley/shared' would build every schema before this call.
 */
import { useJitlessZod } from '@parley/shared/zod-config';

useJitlessZod();
