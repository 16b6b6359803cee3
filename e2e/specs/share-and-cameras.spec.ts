import { expect, test } from '@playwright/test';
import { inboundStats, pageRequest, threeInSession } from '../support/flows.ts';

test('a screen share and a second labelled camera arrive at the others as separate labelled tracks', async ({ browser }) => {
  const { mediator, a, b, close } = await threeInSession(browser, 'Software licence dispute', ['Quinn Quirk', 'Rosa Reyes']);

  // Quinn adds a document camera and shares a screen (Chromium's fake capture devices).
  await a.getByRole('button', { name: 'Add camera' }).click();
  await a.getByLabel('Label for this camera').fill('Document camera');
  await a.getByRole('button', { name: 'Add this camera' }).click();
  await a.getByRole('button', { name: 'Share screen' }).click();
  await expect(a.getByRole('button', { name: 'Stop sharing' })).toBeVisible();

  for (const page of [mediator, b]) {
    await expect(page.getByLabel('Video of Quinn Quirk — Document camera')).toBeVisible();
    await expect(page.getByLabel('Screen shared by Quinn Quirk')).toBeVisible();
  }

  // Frames decode on each of the three video tracks from Quinn, told apart by source and label.
  const videoFromQuinn = async () =>
    (await inboundStats(b)).filter((s) => s.displayName === 'Quinn Quirk' && s.kind === 'video').map((s) => ({ key: `${s.source}/${(s as { label?: string | null }).label ?? ''}`, frames: s.framesDecoded }));
  await expect
    .poll(async () => (await videoFromQuinn()).filter((v) => v.frames > 0).map((v) => v.key).sort(), { timeout: 30_000 })
    .toEqual(['camera/Camera', 'camera/Document camera', 'screen/']);
  // …and keep decoding: each track's count rises past where it was (waiting on the counts, not a clock).
  const first = await videoFromQuinn();
  await expect
    .poll(async () => (await videoFromQuinn()).filter((v) => v.frames > first.find((f) => f.key === v.key)!.frames).map((v) => v.key).sort(), { timeout: 30_000 })
    .toEqual(['camera/Camera', 'camera/Document camera', 'screen/']);

  // One share per room: Rosa is refused while Quinn shares; the mediator stops Quinn's share.
  await b.getByRole('button', { name: 'Share screen' }).click();
  await expect(b.getByText(/already sharing/i)).toBeVisible();
  await mediator.getByRole('button', { name: /Stop Quinn Quirk['’]s screen share/ }).click();
  await expect(a.getByRole('button', { name: 'Share screen' })).toBeVisible();
  await expect(b.getByLabel('Screen shared by Quinn Quirk')).toHaveCount(0);
  expect(await pageRequest(b, 'moderation:stop-share', { participantId: 'x'.repeat(12) })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  await close();
});
