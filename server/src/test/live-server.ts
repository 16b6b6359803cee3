import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { CaseDetail } from '@parley/shared';
import { connect, consent, createCase, joinWithMedia, must, signIn, startTestServer, tokenOf, type ClientSocket } from './harness.ts';

/**
 * One real server (and worker) per test file, a signed-in mediator, and sockets that are closed
 * after each test so that no one's presence leaks into the next. Call at the top of a test file.
 */
export function liveTestServer() {
  let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
  let cookie = '';
  let sockets: ClientSocket[] = [];
  beforeAll(async () => {
    server = await startTestServer();
    cookie = await signIn(server);
  });
  afterAll(async () => {
    await server?.close();
  });
  beforeEach(() => {
    for (const s of sockets) s.close();
    sockets = [];
  });
  return {
    get server() {
      if (!server) throw new Error('the test server is not started yet');
      return server;
    },
    get cookie() {
      return cookie;
    },
    /** A socket.io connection, closed after the test. */
    async open(auth: Record<string, unknown>, headers: Record<string, string> = {}): Promise<ClientSocket> {
      const s = await connect(this.server, auth, headers);
      sockets.push(s);
      return s;
    },
    /**
     * The mediator and both parties of a new case (Ana, Ben) in the joint room, each publishing a
     * microphone and a camera and ready to receive. `prepare` may change the case before consent.
     */
    async threeInSession(prepare?: (detail: CaseDetail) => Promise<CaseDetail>) {
      let detail = await createCase(this.server, cookie);
      if (prepare) detail = await prepare(detail);
      const tA = tokenOf(detail.participants.find((p) => p.displayName === 'Ana Party')!.invitation!.url);
      const tB = tokenOf(detail.participants.find((p) => p.displayName === 'Ben Party')!.invitation!.url);
      await consent(this.server, tA, detail);
      await consent(this.server, tB, detail);
      const m = await this.open({ caseId: detail.id }, { cookie });
      const a = await this.open({ token: tA });
      const b = await this.open({ token: tB });
      const M = await joinWithMedia(m, 1000);
      const A = await joinWithMedia(a, 2000);
      const B = await joinWithMedia(b, 3000);
      for (const [s, j] of [[m, M], [a, A], [b, B]] as const) await must(s, 'media:ready', { rtpCapabilities: j.joined.routerRtpCapabilities as never });
      const media = this.server.sfu.getCase(detail.id)!;
      const ids = { m: M.joined.self.id, a: A.joined.self.id, b: B.joined.self.id };
      const receives = (pid: string) => media.consumedProducerIds(pid).sort();
      return { detail, tA, tB, m, a, b, M, A, B, ids, media, receives };
    },
  };
}
