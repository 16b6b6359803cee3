import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { selfSignedCertificate } from '../../server/src/test/tls.ts';
import { chromiumArgs } from '../playwright.config.ts';
import { signInMediator, type PlatformRef } from './flows.ts';
import { createPartyNetwork, removeLeftovers, type PartyNetwork } from './netns.ts';
import { startPlatform, stopPlatform } from './server.ts';

/**
 * A platform of its own for a spec whose party browser runs in a network namespace (netns.ts):
 * HTTPS and media on the namespace's host address (which the host browsers reach too), one worker
 * on `mediaPort`, a mediator signed in on a host browser. Each spec gives its own addresses and
 * port, so specs never share a namespace or a port.
 */
export interface NetnsPlatform {
  net: PartyNetwork;
  platform: PlatformRef;
  /** Chromium on the host, trusting this platform's certificate. */
  host: Browser;
  /** A Chromium inside the party's namespace (the caller closes it). */
  launchInside(): Promise<Browser>;
  close(): Promise<void>;
}

export async function startNetnsPlatform(opts: { name: string; hostIp: string; partyIp: string; mediaPort: number }): Promise<NetnsPlatform> {
  removeLeftovers();
  const net = createPartyNetwork(opts.hostIp, opts.partyIp);
  const certDir = fs.mkdtempSync(path.join(os.tmpdir(), `parley-${opts.name}-tls-`));
  let child: Awaited<ReturnType<typeof startPlatform>>['child'] | undefined;
  let host: Browser | undefined;
  try {
    const tls = selfSignedCertificate(certDir, opts.name, [opts.hostIp]);
    // Real HTTPS (a secure context for getUserMedia); the browsers trust this key and nothing else.
    const spki = crypto.createHash('sha256').update(new crypto.X509Certificate(tls.cert).publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
    const args = [...chromiumArgs, `--ignore-certificate-errors-spki-list=${spki}`];
    const started = await startPlatform({
      name: opts.name,
      env: {
        PARLEY_HOST: opts.hostIp,
        PARLEY_TLS_CERT: tls.certFile,
        PARLEY_TLS_KEY: tls.keyFile,
        PARLEY_RTC_LISTEN_IP: opts.hostIp,
        PARLEY_MEDIA_PORT: String(opts.mediaPort),
        PARLEY_WORKERS: '1',
      },
    });
    child = started.child;
    host = await chromium.launch({ executablePath: process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium', args });
    const storageState = path.join(certDir, 'mediator-state.json');
    await signInMediator(host, started.info.signinUrl, storageState);
    const hostBrowser = host;
    const platformChild = child;
    return {
      net,
      platform: { url: started.info.url, storageState },
      host: hostBrowser,
      launchInside: () => chromium.launch({ executablePath: net.chromium, args }),
      async close() {
        await hostBrowser.close();
        if (platformChild.pid) await stopPlatform(platformChild.pid);
        net.remove();
        fs.rmSync(certDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await host?.close();
    if (child?.pid) await stopPlatform(child.pid);
    net.remove();
    fs.rmSync(certDir, { recursive: true, force: true });
    throw error;
  }
}
