import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { requestNames, type RequestName } from '@parley/shared';
import { liveActions, threadRequests } from './actions.ts';

const SRC = fileURLToPath(new URL('..', import.meta.url));
/** Screens and feature folders: they call the session client's named methods only. */
const COMPONENT_DIRS = ['screens', 'signoff', 'threads', 'assessment'];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));
}

/** Comments may name a message (`thread:list` in a doc comment); only code counts. */
const withoutComments = (code: string): string => code.replaceAll(/\/\*[\s\S]*?\*\//g, '').replaceAll(/(^|[^:])\/\/.*$/gm, '$1');

describe('components never spell a wire request name', () => {
  it('no file under screens, signoff, threads or assessment quotes one', () => {
    const found: string[] = [];
    for (const file of COMPONENT_DIRS.flatMap((d) => filesUnder(join(SRC, d)))) {
      const text = withoutComments(readFileSync(file, 'utf8'));
      for (const name of requestNames) {
        if (['"', "'", '`'].some((q) => text.includes(`${q}${name}${q}`))) found.push(`${relative(SRC, file)}: ${name}`);
      }
    }
    expect(found).toEqual([]);
  });
});

describe('named actions', () => {
  const sent: Array<[RequestName, unknown]> = [];
  const request = (async (name: RequestName, payload: unknown) => {
    sent.push([name, payload]);
    return {};
  }) as Parameters<typeof liveActions>[0];

  it('send the same wire requests the screens used to spell', async () => {
    const a = liveActions(request);
    const t = threadRequests(request);
    await a.rooms.move(['p-123456789'], 'joint');
    await a.rooms.setTimer('caucus-abcd', null, 60);
    await a.moderation.mute('all');
    await a.control.give('joint', 'p-123456789');
    await a.stage.set(null);
    await t.history('t-123456789', 100);
    await t.history('t-123456789', 100, 42);
    expect(sent).toEqual([
      ['room:move', { participantIds: ['p-123456789'], roomId: 'joint' }],
      ['room:set-timer', { roomId: 'caucus-abcd', minutes: null, warnSeconds: 60 }],
      ['moderation:mute', { participantIds: 'all' }],
      ['control:give', { roomId: 'joint', participantId: 'p-123456789' }],
      ['stage:set', { producerId: null }],
      ['thread:history', { threadId: 't-123456789', limit: 100 }],
      ['thread:history', { threadId: 't-123456789', limit: 100, beforeSeq: 42 }],
    ]);
  });
});
