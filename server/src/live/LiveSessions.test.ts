import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_BREAKDOWN, type AgreementStatus } from '@parley/shared';
import { Sfu } from '@parley/sfu';
import { EventBus } from '../events/EventBus.ts';
import { createLogger } from '../logger.ts';
import { LiveSessions } from './LiveSessions.ts';

/** A running live case follows what the bus announces: a changed breakdown procedure, a changed agreement. */
let sfu: Sfu;
beforeAll(async () => {
  // No transport is opened here: the router of each live case is all these tests need.
  sfu = await Sfu.create({ workers: 1, workerBin: process.env.MEDIASOUP_WORKER_BIN, mediaPort: 0, listenIp: '127.0.0.1' });
});
afterAll(() => sfu?.close());

function setup() {
  const logger = createLogger('silent');
  const bus = new EventBus(logger);
  const live = new LiveSessions(sfu, logger, { mediatorOf: async () => 'maria', breakdownOf: async () => DEFAULT_BREAKDOWN }, bus);
  live.subscribe(bus);
  return { bus, live };
}

describe('LiveSessions on the event bus', () => {
  it('a running live case takes a changed breakdown procedure at once; other cases are untouched', async () => {
    const { bus, live } = setup();
    const running = await live.withCase('case-a', (c) => c);
    const other = await live.withCase('case-b', (c) => c);
    const settings = { ...DEFAULT_BREAKDOWN, graceSeconds: 180, pauseJointSession: false };
    bus.emit('breakdown.changed', { caseId: 'case-a', settings, by: { caseId: 'case-a', participantId: 'maria', role: 'mediator', displayName: 'Maria', side: null, phase: { state: 'open', partyAccessUntil: null } } });
    expect(running.ladder.settings).toEqual(settings);
    expect(other.ladder.settings).toEqual(DEFAULT_BREAKDOWN);
    live.closeAll();
  });

  it('everyone in the live case is told where the agreement stands now', async () => {
    const { bus, live } = setup();
    const running = await live.withCase('case-c', (c) => c);
    const toAll = vi.spyOn(running.notify, 'toAll');
    const current = { id: 'v1', version: 1, status: 'awaiting-signatures' } as AgreementStatus;
    bus.emit('agreement.changed', { caseId: 'case-c', current });
    bus.emit('agreement.changed', { caseId: 'no-live-session', current: null });
    expect(toAll.mock.calls).toEqual([['agreement:updated', { current }]]);
    live.closeAll();
  });

  it('a change announced while the live case is being made (its facts read from the store) is not lost', async () => {
    const logger = createLogger('silent');
    const bus = new EventBus(logger);
    let release = () => undefined as void;
    const held = new Promise<void>((r) => (release = r));
    let asked = false;
    const live = new LiveSessions(
      sfu,
      logger,
      {
        mediatorOf: async () => 'maria',
        breakdownOf: async () => {
          asked = true;
          await held;
          return DEFAULT_BREAKDOWN;
        },
        waitingRoomOf: async () => {
          await held;
          return true;
        },
      },
      bus,
    );
    live.subscribe(bus);
    const making = live.withCase('case-d', (c) => c);
    await vi.waitFor(() => expect(asked).toBe(true));
    const by = { caseId: 'case-d', participantId: 'maria', role: 'mediator' as const, displayName: 'Maria', side: null, phase: { state: 'open' as const, partyAccessUntil: null } };
    const settings = { ...DEFAULT_BREAKDOWN, graceSeconds: 90 };
    bus.emit('breakdown.changed', { caseId: 'case-d', settings, by });
    bus.emit('waiting-room.changed', { caseId: 'case-d', on: false, by });
    release();
    const running = await making;
    expect(running.ladder.settings).toEqual(settings);
    expect(running.rooms.waiting('party')).toBe(false);
    live.closeAll();
  });
});
