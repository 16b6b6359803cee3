import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeSchema, renderSocketSection, withSocketSection } from './protocol-doc.ts';
import { notifications, requestNames, requests } from './events.ts';

const DOC = fileURLToPath(new URL('../../docs/protocol.md', import.meta.url));

describe('docs/protocol.md socket section', () => {
  it('is the one generated from shared/src/events.ts (rewrite: UPDATE_PROTOCOL_DOC=1)', () => {
    const doc = readFileSync(DOC, 'utf8');
    const current = withSocketSection(doc);
    if (process.env.UPDATE_PROTOCOL_DOC === '1' && current !== doc) writeFileSync(DOC, current);
    else expect(doc, 'docs/protocol.md is stale: run UPDATE_PROTOCOL_DOC=1 node_modules/.bin/vitest run shared/src/protocol-doc.test.ts').toBe(current);
  });

  it('lists every request and notification once', () => {
    const section = renderSocketSection();
    for (const name of [...requestNames, ...Object.keys(notifications)]) {
      expect(section.split('\n').filter((l) => l.startsWith(`| \`${name}\` |`)), name).toHaveLength(1);
    }
  });

  it('spells payloads the way a client writes them (defaults optional, named schemas by name)', () => {
    expect(describeSchema(requests['room:set-timer'].payload)).toBe('{ roomId: RoomId, minutes: number \\| null, warnSeconds?: number }');
    expect(describeSchema(requests['moderation:mute'].payload)).toBe("{ participantIds: Id[] \\| 'all' }");
    expect(describeSchema(requests['room:create'].result)).toBe('{ room: RoomInfo }');
    expect(describeSchema(z.enum(['a', 'b']))).toBe("'a' \\| 'b'");
  });
});
