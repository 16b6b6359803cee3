import { describe, expect, it } from 'vitest';
import type { EventBus } from '../events/EventBus.ts';
import type { ServerEvents } from '../events/events.ts';
import { createLogger } from '../logger.ts';
import { SessionRecord } from '../record/SessionRecord.ts';
import { caseFixture } from '../test/services.ts';
import { sha256Hex, SignoffService } from './SignoffService.ts';

/** Sign-off announces each change of the agreement on the bus and voids on a draft edit it hears there. */
async function setup() {
  const f = await caseFixture([
    { displayName: 'Ana Party', role: 'party', side: 'A' },
    { displayName: 'Ben Party', role: 'party', side: 'B' },
  ]);
  const logger = createLogger('silent');
  const record = new SessionRecord(f.store, f.cases, f.keys, logger);
  const text = 'Ana repairs the fence by June.';
  const signoff = new SignoffService(f.store, f.cases, f.keys, { source: { snapshotText: async () => ({ text, hash: sha256Hex(text) }) }, bus: f.bus, logger, record });
  signoff.subscribe(f.bus);
  const changes: Array<ServerEvents['agreement.changed']> = [];
  f.bus.on('agreement.changed', (e) => changes.push(e));
  const mediator = await f.cases.mediatorIdentity(f.mediatorId, f.detail.id);
  return { ...f, signoff, record, changes, mediator };
}

/** A draft edit, heard and acted on. */
async function edited(bus: EventBus, signoff: SignoffService, caseId: string): Promise<void> {
  bus.emit('draft.edited', { caseId });
  await signoff.settled();
}

describe('SignoffService on the event bus', () => {
  it('announces a frozen and a signed version with where the agreement now stands', async () => {
    const { signoff, changes, mediator, detail, who } = await setup();
    const v = await signoff.freeze(mediator);
    expect(changes).toEqual([{ caseId: detail.id, current: await signoff.status(detail.id) }]);
    expect(changes[0]!.current).toMatchObject({ id: v.id, status: 'awaiting-signatures' });
    await signoff.sign(who('Ana Party'), v.id, v.textHash);
    expect(changes).toHaveLength(2);
    expect(changes[1]!.current?.signers.find((s) => s.displayName === 'Ana Party')?.signedAt).not.toBeNull();
  });

  it('an edit of the draft voids a version still awaiting signatures, records it and announces it', async () => {
    const { bus, signoff, record, changes, mediator, detail, who } = await setup();
    const v = await signoff.freeze(mediator);
    await signoff.sign(who('Ana Party'), v.id, v.textHash);
    changes.length = 0;
    await edited(bus, signoff, detail.id);
    expect((await signoff.view(detail.id))?.status).toBe('voided');
    expect((await record.entries(detail.id)).map((e) => e.type)).toEqual(['agreement.frozen', 'agreement.signed', 'agreement.voided']);
    expect(changes).toEqual([{ caseId: detail.id, current: expect.objectContaining({ id: v.id, status: 'voided' }) }]);
  });

  it('an edit voids a version frozen after edits that found nothing to void (their answer is not kept past a freeze)', async () => {
    const { bus, signoff, mediator, detail } = await setup();
    await edited(bus, signoff, detail.id);
    await edited(bus, signoff, detail.id);
    const v1 = await signoff.freeze(mediator);
    await edited(bus, signoff, detail.id);
    expect(await signoff.view(detail.id)).toMatchObject({ id: v1.id, status: 'voided' });
    // Voided: later edits find nothing to void, and the next frozen version is voided by an edit again.
    await edited(bus, signoff, detail.id);
    const v2 = await signoff.freeze(mediator);
    expect(await signoff.view(detail.id)).toMatchObject({ id: v2.id, status: 'awaiting-signatures' });
    await edited(bus, signoff, detail.id);
    expect(await signoff.view(detail.id)).toMatchObject({ id: v2.id, status: 'voided' });
  });

  it('an edit whose check reads the versions only after a freeze that holds it voids nothing; a later edit does', async () => {
    const { bus, signoff, mediator, detail } = await setup();
    await edited(bus, signoff, detail.id); // edit 1, heard before the freeze: in its text
    const v = await signoff.freeze(mediator);
    // Edit 1's check, had it reached the database only now (on Postgres it is a round trip away).
    expect(await signoff.draftChanged(detail.id, 1)).toBe(false);
    expect(await signoff.view(detail.id)).toMatchObject({ id: v.id, status: 'awaiting-signatures' });
    await edited(bus, signoff, detail.id); // edit 2, after the freeze
    expect(await signoff.view(detail.id)).toMatchObject({ id: v.id, status: 'voided' });
  });

  it('an edit after everyone signed leaves the signed version alone', async () => {
    const { bus, signoff, changes, mediator, detail, who } = await setup();
    const v = await signoff.freeze(mediator);
    for (const name of ['Ana Party', 'Ben Party']) await signoff.sign(who(name), v.id, v.textHash);
    changes.length = 0;
    await edited(bus, signoff, detail.id);
    expect((await signoff.view(detail.id))?.status).toBe('signed');
    expect(changes).toEqual([]);
  });
});
