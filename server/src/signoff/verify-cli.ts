/**
 * `npm run verify -- agreement.html|session-record.json [--server https://platform | --key <base64url>]`
 * Checks an exported agreement (exit 0 only when intact and fully signed) or an exported session
 * record (exit 0 only when no entry was removed, reordered or altered).
 */
import fs from 'node:fs';
import path from 'node:path';
import { verifyExport } from './verify.ts';
import { formatUtc } from './exportHtml.ts';
import { verifyRecord } from '../record/chain.ts';

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
  const content = fs.readFileSync(path.resolve(process.env.INIT_CWD ?? process.cwd(), file), 'utf8');
  if (content.trimStart().startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch {
      console.log('INVALID: not a readable session record file.');
      return 1;
    }
    const r = await verifyRecord(parsed as never, key);
    if (!key) console.log('note: no trusted key given; the file’s own key was used. Compare it with the platform’s.');
    if (r.valid) console.log(`VALID: the session record is intact (${r.entries} entries, each signed and chained).`);
    else for (const p of r.problems) console.log(`INVALID: ${p}`);
    return r.valid ? 0 : 1;
  }
  const report = await verifyExport(content, key);
  for (const sig of report.signatures) console.log(`${sig.valid ? 'ok  ' : 'BAD '} ${sig.displayName} signed on ${formatUtc(sig.signedAt)}`);
  if (!key) console.log(`note: no trusted key given; the file's own key was used (fingerprint ${report.serverKeyFingerprint}). Compare it with the platform's.`);
  if (report.valid) console.log('VALID: the agreement is intact and signed by every party.');
  else for (const p of report.problems) console.log(`INVALID: ${p}`);
  return report.valid ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => {
  console.error(e);
  process.exit(2);
});
