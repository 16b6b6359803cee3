import { expect, test, type Browser, type Page } from '@playwright/test';
import {
  createCaseInUi, createCaucusInUi, expectReceivingFrom, joinFromPrejoin, mediatorContext, moveSelectedInUi, partyContext, passConsentGate, recordEntries,
  signInMediator, threeInSession,
} from '../support/flows.ts';
import path from 'node:path';
import { counted } from '../support/netns.ts';
import { startNetnsPlatform, type NetnsPlatform } from '../support/netns-platform.ts';
import { repoRoot, startPlatform } from '../support/server.ts';

const IDLE_METRICS_TOKEN = 'idle-path-spec-metrics-token-0123456789';

/** How `viewer` sees `name`'s connection (presence). */
const connectionOf = (viewer: Page, name: string) =>
  viewer.evaluate((n) => (window as any).__parleyDebug.state().others.find((p: { displayName: string }) => p.displayName === n)?.connection as string | undefined, name);

/** The session record's media-lost entries, with whose they are and which detector saw it. */
async function mediaLost(mediator: Page, caseUrl: string): Promise<Array<{ who: string; cause: unknown }>> {
  return (await recordEntries(mediator, caseUrl))
    .filter((e) => e.type === 'breakdown.media-lost')
    .map((e) => ({ who: e.actor?.displayName ?? '', cause: (e.data as { cause?: unknown }).cause }));
}

/**
 * The server's "no packets" detector (sfu/src/StallDetector.ts) against a real path that goes
 * silent: one party's browser runs in a network namespace of its own (e2e/support/netns.ts), and a
 * firewall rule there drops everything it sends to the media port while the page, its tracks and
 * its signalling (HTTPS on another port) stay up. ICE and DTLS see nothing wrong for a while
 * (mediasoup's ICE consent timeout is 30 s; no DTLS alert is sent), so only the no-packets
 * detector can say the media is gone, and the record names the detector that did.
 */
test.describe('no packets', () => {
  // Addresses and port of their own: network-reality.spec.ts uses 10.77.111.0/30 and 46100.
  const HOST_IP = '10.77.112.1';
  const PARTY_IP = '10.77.112.2';
  const MEDIA_PORT = 46110;
  let env: NetnsPlatform | undefined;
  let inside: Browser | undefined;

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    env = await startNetnsPlatform({ name: 'stall', hostIp: HOST_IP, partyIp: PARTY_IP, mediaPort: MEDIA_PORT });
    inside = await env.launchInside();
  });

  test.afterAll(async () => {
    await inside?.close();
    await env?.close();
  });

  test('a party whose packets stop while the page stays up is shown as not getting through, recorded as no packets, and a quiet but healthy party is not', async () => {
    test.setTimeout(150_000);
    const s = await threeInSession(env!.host, 'Media path lost', ['Uma Udp', 'Quinn Quiet'], { platform: env!.platform, firstPartyBrowser: inside, checkMedia: false });
    try {
      // threeInSession pinned the client's quality readings to a good network on every page: this
      // test is about the server's detector, which reads the transports' bytes.
      await expectReceivingFrom(s.b, ['Mediator', 'Uma Udp']);
      await expectReceivingFrom(s.mediator, ['Uma Udp', 'Quinn Quiet']);
      // Quinn goes quiet first: alone in a caucus, microphone muted, camera off. Their connection
      // still carries RTCP and ICE consent checks, so the detector must not call it lost.
      await createCaucusInUi(s.mediator, 'Quiet room');
      await moveSelectedInUi(s.mediator, ['Quinn Quiet'], 'Quiet room');
      await s.b.getByRole('button', { name: 'Mute microphone' }).click();
      await s.b.getByRole('button', { name: 'Turn camera off' }).click();
      await expect(s.b.getByRole('button', { name: 'Turn camera on' })).toBeVisible();

      // Then nothing Uma sends reaches the media port (UDP or ICE-TCP); her page does not notice.
      env!.net.firewall(
        ['table inet parley_no_packets {', '  chain output {', '    type filter hook output priority 0; policy accept;', `    ip daddr ${HOST_IP} th dport ${MEDIA_PORT} counter drop comment "media dropped"`, '  }', '}'].join('\n'),
      );
      await expect.poll(() => connectionOf(s.mediator, 'Uma Udp'), { timeout: 25_000, intervals: [500] }).toBe('media-lost');
      await expect(s.mediator.getByText(/not getting through/i).first()).toBeVisible();
      expect(counted(env!.net.ruleset(), 'media dropped'), 'packets the firewall dropped').toBeGreaterThan(0);
      // The detector that fired is the no-packets one (ICE would say 'ice', a DTLS alert 'dtls').
      expect(await mediaLost(s.mediator, s.caseUrl)).toEqual([{ who: 'Uma Udp', cause: 'no-packets' }]);
      // Uma's silence began after Quinn's and was detected: the same sampling of every transport had
      // as long to see Quinn's, and did not.
      expect(await connectionOf(s.mediator, 'Quinn Quiet')).toBe('connected');

      // The path comes back: so does Uma, and the record says so.
      env!.net.firewall('');
      await expect.poll(() => connectionOf(s.mediator, 'Uma Udp'), { timeout: 30_000, intervals: [500] }).toBe('connected');
      // Either way back is recorded: the server sees her packets again on the same transports
      // (media-restored), or her page, whose own media had failed for a while, rejoined first
      // (a reconnect within the grace period: recovered). Which comes first depends on timing.
      await expect
        .poll(async () => (await recordEntries(s.mediator, s.caseUrl)).filter((e) => (e.type === 'breakdown.media-restored' || e.type === 'breakdown.recovered') && e.actor?.displayName === 'Uma Udp').length)
        .toBeGreaterThan(0);
      expect(await mediaLost(s.mediator, s.caseUrl)).toEqual([{ who: 'Uma Udp', cause: 'no-packets' }]);
    } finally {
      await s.close();
    }
  });
});

/**
 * The other detectors: a page whose peer connections close sends a DTLS close alert, which the
 * server takes as the media path gone at once (no need to wait for silence).
 */
test('media whose connection the page closes while the signalling stays up is shown to the mediator and recorded as DTLS', async ({ browser }) => {
  const mediatorCtx = await mediatorContext(browser);
  const mediator = await mediatorCtx.newPage();
  const { caseUrl, links } = await createCaseInUi(mediator, 'Media path lost', [
    { name: 'Uma Udp', side: 'A' },
    { name: 'Vic Vee', side: 'B' },
  ]);
  const aCtx = await partyContext(browser);
  // Test-side instrument: keep the page's peer connections so the test can kill the media path
  // without the page noticing (closing one locally fires no event), as a blocked UDP port would.
  await aCtx.addInitScript(() => {
    const Original = window.RTCPeerConnection;
    const all: RTCPeerConnection[] = [];
    (window as any).__peerConnections = all;
    window.RTCPeerConnection = class extends Original {
      constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
        super(...args);
        all.push(this);
      }
    } as typeof RTCPeerConnection;
  });
  const a = await aCtx.newPage();
  await passConsentGate(a, links['Uma Udp']!);
  await mediator.goto(caseUrl);
  await mediator.getByRole('link', { name: 'Open session' }).click();
  await joinFromPrejoin(mediator);
  await joinFromPrejoin(a);
  await expectReceivingFrom(mediator, ['Uma Udp']);

  await a.evaluate(() => (window as any).__peerConnections.forEach((pc: RTCPeerConnection) => pc.close()));
  const uma = () => mediator.evaluate(() => (window as any).__parleyDebug.state().others.find((p: { displayName: string }) => p.displayName === 'Uma Udp')?.connection);
  await expect.poll(uma, { timeout: 20_000 }).toBe('media-lost');
  expect(await mediaLost(mediator, caseUrl)).toEqual([{ who: 'Uma Udp', cause: 'dtls' }]);
  await Promise.all([mediatorCtx.close(), aCtx.close()]);
});

/**
 * The other side of the no-packets detector: a path with nothing to carry is quiet, and quiet is
 * not lost. A mediator alone in the session receives nothing, so their receive transport (connected
 * on the pre-join screen) carries no byte the server counts. Taking that for a break once put a
 * false "media lost" incident in the record of every session where the mediator waited 8 s alone.
 * A platform of its own, so the server's path readings (/metrics) are this session's only.
 */
test('a mediator waiting alone in the session, with nothing to receive, is not recorded as having lost media', async ({ browser }) => {
  const { info, child } = await startPlatform({ name: 'idle-path', env: { PARLEY_METRICS_TOKEN: IDLE_METRICS_TOKEN } });
  try {
    const platform = await signInMediator(browser, info.signinUrl, path.join(repoRoot, '.cache', 'e2e', 'idle-path-mediator.json'));
    const mediatorCtx = await mediatorContext(browser, undefined, platform);
    const mediator = await mediatorCtx.newPage();
    const { caseUrl } = await createCaseInUi(mediator, 'Waiting alone', [{ name: 'Ada Later', side: 'A' }, { name: 'Bo Later', side: 'B' }], { platform });
    await mediator.goto(caseUrl);
    await mediator.getByRole('link', { name: 'Open session' }).click();
    await joinFromPrejoin(mediator);
    // The positive signal: the server has read a path of this session without a byte six times
    // since the join (every 2 s: over 10 s, past its 8 s limit). The mediator's send path carries
    // their camera and microphone; the quiet one is their receive path.
    const quietReadings = async () => {
      const text = await (await fetch(`${info.url}/metrics`, { headers: { authorization: `Bearer ${IDLE_METRICS_TOKEN}` } })).text();
      return ['idle', 'silent'].reduce((n, r) => n + Number(new RegExp(`^parley_media_path_readings_total\\{reading="${r}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0), 0);
    };
    const atJoin = await quietReadings();
    await expect.poll(async () => (await quietReadings()) - atJoin, { timeout: 60_000, intervals: [1_000], message: 'six quiet readings of a path' }).toBeGreaterThanOrEqual(6);
    expect((await recordEntries(mediator, caseUrl)).filter((e) => e.type.startsWith('breakdown.')).map((e) => `${e.type} ${JSON.stringify(e.data)}`)).toEqual([]);
    await expect(mediator.getByRole('region', { name: 'Your connection' })).toHaveCount(0);
    await mediatorCtx.close();
  } finally {
    child.kill('SIGTERM');
  }
});
