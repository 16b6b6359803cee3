import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';

/**
 * A self-signed certificate for 127.0.0.1 and localhost (or the given `hosts`), made by the
 * openssl CLI (the same tool an operator uses; scripts/run.sh installs it for `npm test`). Node
 * can make keys but not X.509 certificates, and this avoids a certificate-making npm package for
 * one test helper.
 */
export function selfSignedCertificate(dir: string, name = 'parley', hosts: string[] = ['127.0.0.1', 'localhost']): { certFile: string; keyFile: string; cert: string } {
  const certFile = path.join(dir, `${name}.crt`);
  const keyFile = path.join(dir, `${name}.key`);
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', `/CN=${name}`,
    '-addext', `subjectAltName=${hosts.map((h) => (net.isIP(h) ? `IP:${h}` : `DNS:${h}`)).join(',')}`,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  return { certFile, keyFile, cert: fs.readFileSync(certFile, 'utf8') };
}

/**
 * Makes every TLS client of this test process (fetch, socket.io-client, ws) trust `certs` besides
 * the usual authorities, so the shared harness helpers work unchanged against an https server.
 * vitest runs each test file in its own process (pool: 'forks').
 */
export function trustInThisProcess(...certs: string[]): void {
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), ...certs]);
}
