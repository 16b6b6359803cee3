import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { caseFixture } from '../test/services.ts';
import { storedBytes } from '../test/engine.ts';
import { GENESIS_HASH, type RecordEntry } from '@parley/shared';
import { AssessmentService } from './AssessmentService.ts';

const T0 = Date.parse('2025-05-01T09:00:00.000Z');

/** A scorecard service over a real store and case, a list standing in for the session record, and a settable clock. */
async function setup(file = ':memory:') {
  const { store, cases, mediatorId, detail, who } = await caseFixture(
    [
      { displayName: 'Ana Party', role: 'party', side: 'A' },
      { displayName: 'Cleo Assessor', role: 'assessor', side: null },
      { displayName: 'Dora Assessor', role: 'assessor', side: null },
    ],
    file,
  );
  const entries: RecordEntry[] = [];
  const clock = { now: T0 };
  const service = new AssessmentService(store, cases, { entries: () => entries }, { now: () => clock.now });
  const consent = (name: string) => cases.recordConsent(who(name), { acceptedClauseIds: detail.agreement.clauses.map((c) => c.id), clauseSetHash: detail.clauseSetHash });
  const mediator = { id: await cases.mediatorParticipantId(detail.id), displayName: 'Maria Mediator', role: 'mediator' as const };
  const happen = (secondsFromT0: number, type: RecordEntry['type'], data: RecordEntry['data'] = {}, actor: RecordEntry['actor'] = mediator) =>
    entries.push({ v: 1, caseId: detail.id, seq: entries.length + 1, at: new Date(T0 + secondsFromT0 * 1000).toISOString(), type, actor, data, prevHash: GENESIS_HASH, hash: 'h', signature: 's' });
  // Someone joins the joint room: notes link only what the assessor could perceive, so rooms matter.
  const joins = (name: string, secondsFromT0 = 0) => {
    const w = who(name);
    happen(secondsFromT0, 'participant.joined', { room: 'Joint room' }, { id: w.participantId, displayName: w.displayName, role: w.role });
  };
  return { store, cases, mediatorId, detail, service, who, consent, happen, clock, mediator, joins };
}

describe('AssessmentService', () => {
  it('stamps a note with wall time and session time and links the nearest session events', async () => {
    const { service, who, consent, happen, clock, joins } = await setup();
    await consent('Cleo Assessor');
    happen(0, 'participant.joined', { room: 'Joint room' });
    joins('Cleo Assessor', 1);
    joins('Ana Party', 2);
    happen(540, 'room.created', { room: 'Caucus A' });
    happen(570, 'participant.moved', { room: 'Caucus A', participants: ['Ana Party'] });
    clock.now = T0 + 600_000;
    const note = await service.addNote(who('Cleo Assessor'), { text: 'Clear explanation of the caucus before moving Ana', itemId: '2.10' });
    expect(note).toMatchObject({ itemId: '2.10', at: new Date(T0 + 600_000).toISOString(), sessionSeconds: 600, editedAt: null });
    expect(note.links.map((l) => l.summary)).toEqual(['Mediator opened the room “Caucus A”', 'Mediator moved Ana Party to “Caucus A”']);
  });

  it('uses when the assessor started writing, within the last ten minutes and never in the future', async () => {
    const { service, who, consent, clock } = await setup();
    await consent('Cleo Assessor');
    clock.now = T0 + 3_600_000;
    const cleo = who('Cleo Assessor');
    expect((await service.addNote(cleo, { text: 'a', observedAt: new Date(T0 + 3_540_000).toISOString() })).at).toBe(new Date(T0 + 3_540_000).toISOString());
    expect((await service.addNote(cleo, { text: 'b', observedAt: new Date(T0).toISOString() })).at).toBe(new Date(T0 + 3_000_000).toISOString());
    expect((await service.addNote(cleo, { text: 'c', observedAt: new Date(T0 + 9_999_000).toISOString() })).at).toBe(new Date(T0 + 3_600_000).toISOString());
    expect((await service.addNote(cleo, { text: 'd' })).sessionSeconds).toBeNull(); // nobody has joined
  });

  it('adds events of the 30 seconds after a note once they have happened, then keeps the links', async () => {
    const { service, who, consent, happen, clock, joins } = await setup();
    await consent('Cleo Assessor');
    happen(0, 'participant.joined', { room: 'Joint room' });
    joins('Cleo Assessor', 1);
    joins('Ana Party', 2);
    happen(100, 'room.created', { room: 'Caucus A' });
    clock.now = T0 + 110_000;
    const note = await service.addNote(who('Cleo Assessor'), { text: 'Watching the move' });
    expect(note.links.map((l) => l.type)).toEqual(['participant.joined', 'room.created']); // Ana's join, the new room
    happen(125, 'participant.moved', { room: 'Caucus A', participants: ['Ana Party'] });
    clock.now = T0 + 150_000;
    expect((await service.view(who('Cleo Assessor'))).scorecard.notes[0]!.links.map((l) => l.type)).toEqual(['participant.joined', 'room.created', 'participant.moved']);
    happen(139, 'announcement.sent', { text: 'Late' }); // a late arrival after the window was settled is not added
    expect((await service.view(who('Cleo Assessor'))).scorecard.notes[0]!.links).toHaveLength(3);
  });

  it('rates items, edits and deletes notes, and keeps each assessor to their own scorecard', async () => {
    const { service, who, consent } = await setup();
    await consent('Cleo Assessor');
    await consent('Dora Assessor');
    const cleo = who('Cleo Assessor');
    await service.setRating(cleo, { itemId: '3.6.13', rating: 'competent' });
    await service.setRating(cleo, { itemId: '2.11-v', rating: 'strong' });
    expect((await service.setRating(cleo, { itemId: '2.11-v', rating: null })).ratings).toEqual({ '3.6.13': 'competent' });
    const note = await service.addNote(cleo, { text: 'First draft' });
    expect(await service.editNote(cleo, note.id, { text: 'Second draft', itemId: '3.7.1' })).toMatchObject({ text: 'Second draft', itemId: '3.7.1', editedAt: expect.any(String) });
    const dora = who('Dora Assessor');
    expect((await service.view(dora)).scorecard).toMatchObject({ ratings: {}, notes: [] });
    await expect(service.editNote(dora, note.id, { text: 'mine now' })).rejects.toThrow(/No such note/);
    await expect(service.deleteNote(dora, note.id)).rejects.toThrow(/No such note/);
    await service.deleteNote(cleo, note.id);
    expect((await service.view(cleo)).scorecard.notes).toEqual([]);
  });

  it('shows notes about the same instant in the order they were written', async () => {
    const { service, who, consent } = await setup();
    await consent('Cleo Assessor');
    const cleo = who('Cleo Assessor');
    const texts = Array.from({ length: 6 }, (_, i) => `Note ${i}`);
    for (const text of texts) await service.addNote(cleo, { text });
    expect((await service.view(cleo)).scorecard.notes.map((x) => x.text)).toEqual(texts);
  });

  it('refuses parties and advisors, and an assessor who never consented', async () => {
    const { service, who, consent } = await setup();
    await consent('Ana Party');
    await expect(service.view(who('Ana Party'))).rejects.toThrow(/Only the assessor/);
    await expect(service.addNote(who('Ana Party'), { text: 'x' })).rejects.toThrow(/Only the assessor/);
    await expect(service.view(who('Cleo Assessor'))).rejects.toThrow(/agree to the protocol agreement/);
  });

  it('shows the mediator a scorecard only after the assessor releases it, and not after they take it back', async () => {
    const { service, who, consent, mediatorId, detail } = await setup();
    await consent('Cleo Assessor');
    const cleo = who('Cleo Assessor');
    await service.setRating(cleo, { itemId: '3.7.16', rating: 'strong' });
    // Nothing released yet is the normal state: an empty answer, not an error; there is no report of nothing.
    expect(await service.released(mediatorId, detail.id)).toEqual({ caseTitle: expect.any(String), assessments: [] });
    await expect(service.releasedExports(mediatorId, detail.id)).rejects.toThrow(/No assessor has shared/);
    expect(await service.release(cleo, true)).toMatchObject({ releasedToMediator: true, releasedAt: expect.any(String) });
    const r = await service.released(mediatorId, detail.id);
    expect(r.assessments).toHaveLength(1);
    expect(r.assessments[0]).toMatchObject({ assessor: { displayName: 'Cleo Assessor' }, scorecard: { ratings: { '3.7.16': 'strong' } } });
    await expect(service.released('someone-else-entirely', detail.id)).rejects.toThrow(/No such case/);
    await service.release(cleo, false);
    expect((await service.released(mediatorId, detail.id)).assessments).toEqual([]);
  });

  it('exports a self-describing JSON with every item, the scale and the notes', async () => {
    const { service, who, consent } = await setup();
    await consent('Cleo Assessor');
    const cleo = who('Cleo Assessor');
    await service.setRating(cleo, { itemId: '2.1', rating: 'not-yet' });
    await service.addNote(cleo, { text: 'Lost the share twice', itemId: '2.1' });
    const exp = await service.exportFor(cleo);
    expect(exp).toMatchObject({ format: 'parley.assessment/1', caseTitle: 'Fence dispute', mediatorName: 'Maria Mediator', assessor: { displayName: 'Cleo Assessor' } });
    expect(exp.items.find((i) => i.id === '2.1')).toMatchObject({ rating: 'not-yet', title: 'Basic computer and mobile computing skills' });
    expect(exp.items.filter((i) => i.rating === null)).toHaveLength(exp.items.length - 1);
    expect(exp.scale.map((s) => s.label)).toEqual(['Not observed', 'Not yet competent', 'Competent', 'Strong']);
    expect(exp.notes[0]!.text).toBe('Lost the share twice');
  });

  it('seals ratings and notes at rest: the database file holds no note text', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'parley-assessment-')), 'db.sqlite');
    const { service, who, consent, happen, clock, store } = await setup(file);
    await consent('Cleo Assessor');
    happen(0, 'participant.joined', { room: 'Joint room' });
    clock.now = T0 + 60_000;
    const cleo = who('Cleo Assessor');
    await service.setRating(cleo, { itemId: '3.6.13', rating: 'strong' });
    const n = await service.addNote(cleo, { text: 'Quokkafluent reframing of the fence issue', itemId: '3.7.3' });
    await service.editNote(cleo, n.id, { text: 'Quokkafluent reframing, edited with Zugzwangish detail' });
    clock.now += 1000; // a later note
    await service.addNote(cleo, { text: 'Marmalopian summary before the break' });
    expect((await service.view(cleo)).scorecard.notes.map((x) => x.text)).toEqual(['Quokkafluent reframing, edited with Zugzwangish detail', 'Marmalopian summary before the break']);
    const rows = await store.kysely.selectFrom('assessment_notes').selectAll().execute();
    expect(rows).toHaveLength(2);
    expect(JSON.stringify(rows)).not.toMatch(/Quokka|Zugzwang|Marmalop|3\.7\.3/);
    expect(JSON.stringify(await store.kysely.selectFrom('assessments').selectAll().execute())).not.toMatch(/strong|3\.6\.13/);
    const bytes = await storedBytes(store);
    await store.close();
    expect(bytes.length).toBeGreaterThan(0);
    for (const word of ['Quokkafluent', 'Zugzwangish', 'Marmalopian']) expect(bytes.includes(Buffer.from(word)), word).toBe(false);
  });
});
