import { expect, test } from '@playwright/test';
import { createCaucusInUi, expectNothingFrom, expectReceivingFrom, moveSelectedInUi, server, threeInSession, tokenOf } from '../support/flows.ts';
import { rawRequest, rawSocket } from '../support/raw-socket.ts';

test('a caucus is private: the other party stops receiving both, and cannot get in with a raw client', async ({ browser }) => {
  const { mediator, a, b, links, close } = await threeInSession(browser, 'Lease renewal', ['Iris Ito', 'Jonas Jung']);

  await createCaucusInUi(mediator, 'Caucus with Iris');
  await moveSelectedInUi(mediator, ['Iris Ito', 'Mediator'], 'Caucus with Iris');

  // Jonas no longer receives anything from Iris or the mediator; Iris hears only the mediator.
  await expectNothingFrom(b, ['Iris Ito', 'Mediator']);
  await expectNothingFrom(a, ['Jonas Jung']);
  await expectReceivingFrom(a, ['Mediator']);
  await expect(a.getByText(/You are in the caucus “Caucus with Iris”/)).toBeVisible();
  await expect(b.getByText(/You are in the joint room/)).toBeVisible();
  await expect(b.getByRole('region', { name: 'Participants' }).getByText('In another room').first()).toBeVisible();
  await expect(b.getByText('Caucus with Iris')).toHaveCount(0);
  const rooms = mediator.getByRole('region', { name: 'Rooms' });
  await expect(rooms.getByRole('group', { name: 'Caucus with Iris' }).getByText('Iris Ito')).toBeVisible();
  await expect(rooms.getByRole('group', { name: 'Joint room' }).getByText('Jonas Jung')).toBeVisible();

  // Back to the joint room: all three receive each other again.
  await moveSelectedInUi(mediator, ['Iris Ito', 'Mediator'], 'Joint room');
  await expectReceivingFrom(b, ['Mediator', 'Iris Ito']);
  await expectReceivingFrom(a, ['Mediator', 'Jonas Jung']);

  // Into the caucus again; then a raw client with Jonas's credentials tries to get in.
  await moveSelectedInUi(mediator, ['Iris Ito', 'Mediator'], 'Caucus with Iris');
  await expectNothingFrom(b, ['Iris Ito', 'Mediator']);
  const raw = await rawSocket(server().url, { token: tokenOf(links['Jonas Jung']!) });
  try {
    const consumers: unknown[] = [];
    raw.on('consumer:receive', (c: unknown) => consumers.push(c));
    const joined = await rawRequest(raw, 'session:join', {});
    expect(joined.ok).toBe(true);
    const data = (joined as unknown as { data: { rooms: Array<{ id: string }>; routerRtpCapabilities: unknown } }).data;
    expect(data.rooms.map((r) => r.id)).toEqual(['joint']);
    expect(await rawRequest(raw, 'transport:create', { direction: 'recv' })).toMatchObject({ ok: true });
    expect(await rawRequest(raw, 'media:ready', { rtpCapabilities: data.routerRtpCapabilities })).toMatchObject({ ok: true, data: { consumers: 0 } });
    expect(await rawRequest(raw, 'room:move', { participantIds: [(joined as never as { data: { self: { id: string } } }).data.self.id], roomId: 'caucus-zzzz' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // No request resumes a consumer: only the ack of an offer made to this connection does.
    expect(await rawRequest(raw, 'consumer:resume', { consumerId: crypto.randomUUID() })).toMatchObject({ ok: false, error: { code: 'unknown_event' } });
    // Asking again is the proof: media:ready makes a consumer of everything this connection may
    // receive and offers each before it answers, so an answer of none with no offer means none.
    expect(await rawRequest(raw, 'media:ready', { rtpCapabilities: data.routerRtpCapabilities })).toMatchObject({ ok: true, data: { consumers: 0 } });
    expect(consumers).toHaveLength(0);
  } finally {
    raw.close();
  }
  await close();
});
