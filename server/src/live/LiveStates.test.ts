import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LiveSnapshot } from '@parley/shared';
import { createLogger } from '../logger.ts';
import { storedBytes } from '../test/engine.ts';
import { caseFixture } from '../test/services.ts';
import { LiveStates, RESUME_WITHIN_MS } from './LiveStates.ts';

/** The kept live state on a real store (either engine): sealed, read back, and left alone when stale. */
async function setup() {
  // A file, so that what lies on disk can be read (storedBytes).
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'parley-live-states-')), 'parley.db');
  const f = await caseFixture([{ displayName: 'Ana Party', role: 'party', side: 'A' }], file);
  const clock = { now: Date.parse('2026-12-07T10:00:00Z') };
  const states = new LiveStates(f.store.kysely, { seal: (c, t) => f.cases.sealForCase(c, t), open: (c, s) => f.cases.openForCase(c, s) }, createLogger('silent'), () => clock.now);
  const ana = f.detail.participants.find((p) => p.displayName === 'Ana Party')!;
  const mediator = f.detail.participants.find((p) => p.role === 'mediator')!;
  const state: LiveSnapshot = {
    v: 1,
    rooms: [
      { id: 'joint', name: 'Joint room', controllerId: mediator.id, allowMultipleShares: false, timer: null },
      { id: 'caucus-Xylophonic1', name: 'Quibbleworth caucus', controllerId: mediator.id, allowMultipleShares: true, timer: { endsAt: clock.now + 600_000, warnSeconds: 60 } },
    ],
    placements: [[ana.id, 'caucus-Xylophonic1']],
    holds: [[ana.id, { id: mediator.id, displayName: mediator.displayName }]],
    pause: null,
    open: true,
    sentBack: false,
    announcements: [{ id: 'a1', text: 'Frumptastic break at noon', from: { id: mediator.id, displayName: mediator.displayName }, at: new Date(clock.now).toISOString() }],
  };
  return { ...f, clock, states, state };
}

describe('LiveStates', () => {
  it('reads back what it saved, and stores none of its words in the clear', async () => {
    const { store, detail, states, state } = await setup();
    await states.save(detail.id, state);
    expect(await states.load(detail.id)).toEqual(state);
    const bytes = await storedBytes(store);
    await store.close();
    expect(bytes.length).toBeGreaterThan(0);
    for (const word of ['Quibbleworth', 'Frumptastic']) expect(bytes.includes(Buffer.from(word)), word).toBe(false);
  });

  it('resumes a state touched within the window, and forgets one left longer', async () => {
    const { store, detail, states, state, clock } = await setup();
    await states.save(detail.id, state);
    clock.now += RESUME_WITHIN_MS - 60_000;
    await states.touch(detail.id);
    clock.now += RESUME_WITHIN_MS - 60_000;
    expect(await states.load(detail.id)).toEqual(state);
    clock.now += 120_000;
    expect(await states.load(detail.id)).toBeNull();
    // Gone, not only skipped: a later look finds nothing either.
    clock.now -= 1_000_000;
    expect(await states.load(detail.id)).toBeNull();
    await store.close();
  });

  it('starts afresh from a state it cannot read, and removes it', async () => {
    const { store, detail, states, state } = await setup();
    await states.save(detail.id, { ...state, rooms: [] } as unknown as LiveSnapshot);
    expect(await states.load(detail.id)).toBeNull();
    expect(await store.kysely.selectFrom('live_states').selectAll().execute()).toEqual([]);
    await store.close();
  });
});
