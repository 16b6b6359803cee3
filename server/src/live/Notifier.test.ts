import { describe, expect, it } from 'vitest';
import type { Presence } from '@parley/shared';
import { liveCase, person } from './live.fakes.ts';

describe('Notifier redaction', () => {
  it('a party in the joint room learns neither the name of a caucus nor who is in it, the mediator learns both', async () => {
    const { lc, join } = liveCase();
    const m = await join(person('m', 'mediator'));
    const a = await join(person('a', 'party'));
    await join(person('b', 'party'));
    const caucus = lc.rooms.create('Private talk with B');
    await lc.rooms.move(['b'], caucus.id, null);
    const aboutB = (told: unknown[]) => (told as Presence[]).filter((p) => p.id === 'b').at(-1);
    expect(aboutB(a.socket.heard('participant:updated'))?.roomId).toBeNull();
    expect(JSON.stringify(a.socket.told)).not.toContain('Private talk with B');
    expect(JSON.stringify(a.socket.told)).not.toContain(caucus.id);
    expect(aboutB(m.socket.heard('participant:updated'))?.roomId).toBe(caucus.id);
    expect(JSON.stringify(m.socket.told)).toContain('Private talk with B');
  });
});
