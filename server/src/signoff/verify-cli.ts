/**
 * `npm run verify -- agreement.html [--server https://platform | --key <base64url>]`
 * Checks an exported agreement; exit code 0 only when it is intact and fully signed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { verifyExport } from './verify.ts';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--') && args[args.indexOf(a) - 1] !== '--server' && args[args.indexOf(a) - 1] !== '--key');
  if (!file) {
    console.error('usage: npm run verify -- <agreement.html> [--server URL | --key PUBLIC_KEY]');
    return 2;
  }
  let key = args.includes('--key') ? args[args.indexOf('--key') + 1] : undefined;
  if (args.includes('--server')) {
    const res = await fetch(`${args[args.indexOf('--server') + 1]!.replace(/\/$/, '')}/api/agreement/public-key`);
    key = ((await res.json()) as { publicKey: string }).publicKey;
  }
  // npm runs scripts from the project root; INIT_CWD is where the person typed the command.
  const report = await verifyExport(fs.readFileSync(path.resolve(process.env.INIT_CWD ?? process.cwd(), file), 'utf8'), key);
  for (const sig of report.signatures) console.log(`${sig.valid ? 'ok  ' : 'BAD '} ${sig.displayName} signed at ${sig.signedAt}`);
  if (!key) console.log(`note: no trusted key given; the file's own key was used (fingerprint ${report.serverKeyFingerprint}). Compare it with the platform's.`);
  if (report.valid) console.log('VALID: the agreement is intact and signed by every party.');
  else for (const p of report.problems) console.log(`INVALID: ${p}`);
  return report.valid ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => {
  console.error(e);
  process.exit(2);
});
