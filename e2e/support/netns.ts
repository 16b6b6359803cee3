import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A party's own network for the network tests (docs/network-tests.md): a Linux network namespace
 * joined to the host by a veth pair, with its own nftables ruleset, and a Chromium that runs inside
 * it. Only the namespace and the veth are created; the host's own rules and routes are not touched.
 * Needs root (the e2e suite runs as root in CI and in scripts/run.sh).
 */

/** Every namespace these tests create starts with this, so a crashed run's leftovers can be found. */
const NETNS_PREFIX = 'parley-e2e-';
/** Host ends of the veth pairs (interface names are at most 15 characters). */
const LINK_PREFIX = 'pe2e';

export class NetnsError extends Error {
  readonly code = 'netns_command_failed';
  readonly reason: string;
  constructor(reason: string, options: { cause?: unknown }) {
    super(`netns_command_failed: ${reason}`, options);
    this.name = 'NetnsError';
    this.reason = reason;
  }
}

function run(cmd: string, args: string[], input?: string): string {
  try {
    return execFileSync(cmd, args, { input, stdio: ['pipe', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim();
    throw new NetnsError(`${cmd} ${args.join(' ')} failed${stderr ? `: ${stderr}` : ''}`, { cause: err });
  }
}

/** Removes what an earlier run that crashed left behind: its namespaces (and with them their veths) and stray host ends. */
export function removeLeftovers(): void {
  for (const line of run('ip', ['netns', 'list']).split('\n')) {
    const name = line.split(' ')[0] ?? '';
    if (name.startsWith(NETNS_PREFIX)) run('ip', ['netns', 'delete', name]);
  }
  // Deleting one end of a veth deletes its peer too, so list again after each deletion.
  for (;;) {
    const name = run('ip', ['-o', 'link', 'show'])
      .split('\n')
      .map((line) => /^\d+:\s+([^:@\s]+)/.exec(line)?.[1])
      .find((n) => n?.startsWith(LINK_PREFIX));
    if (!name) return;
    run('ip', ['link', 'delete', name]);
  }
}

export interface PartyNetwork {
  name: string;
  /** The host's end: the platform listens here, and the namespace reaches nothing else. */
  hostIp: string;
  partyIp: string;
  /** Replaces the namespace's whole nftables ruleset (nft -f syntax). */
  firewall(ruleset: string): void;
  /** The namespace's ruleset as nft lists it (counters included). */
  ruleset(): string;
  /** A launcher to give Playwright as `executablePath`: the real Chromium, inside the namespace. */
  chromium: string;
  remove(): void;
}

/**
 * Creates a namespace whose only link is a veth to the host, `hostIp`/`partyIp` on a /30. The
 * host's address is local on the host, so browsers outside the namespace reach it too.
 */
export function createPartyNetwork(hostIp: string, partyIp: string): PartyNetwork {
  const id = crypto.randomBytes(3).toString('hex');
  const name = `${NETNS_PREFIX}${id}`;
  const hostLink = `${LINK_PREFIX}${id}h`;
  const partyLink = `${LINK_PREFIX}${id}p`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  const remove = () => {
    // Deleting the namespace destroys the veth pair with it; the host end goes explicitly if the move never happened.
    try {
      if (run('ip', ['netns', 'list']).split('\n').some((l) => l.split(' ')[0] === name)) run('ip', ['netns', 'delete', name]);
      if (run('ip', ['-o', 'link', 'show']).includes(` ${hostLink}@`)) run('ip', ['link', 'delete', hostLink]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    if (run('ip', ['-o', 'addr', 'show', 'to', hostIp]).trim()) {
      throw new NetnsError(`${hostIp} is already an address on this host; the network tests need it for themselves`, {});
    }
    run('ip', ['netns', 'add', name]);
    run('ip', ['link', 'add', hostLink, 'type', 'veth', 'peer', 'name', partyLink]);
    run('ip', ['link', 'set', partyLink, 'netns', name]);
    run('ip', ['addr', 'add', `${hostIp}/30`, 'dev', hostLink]);
    run('ip', ['link', 'set', hostLink, 'up']);
    run('ip', ['-n', name, 'addr', 'add', `${partyIp}/30`, 'dev', partyLink]);
    run('ip', ['-n', name, 'link', 'set', partyLink, 'up']);
    run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  } catch (err) {
    remove();
    throw err;
  }
  const chromium = path.join(dir, 'chromium-in-netns');
  const real = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';
  // Playwright drives Chromium over inherited pipes (--remote-debugging-pipe), which cross namespaces.
  fs.writeFileSync(chromium, `#!/bin/sh\nexec ip netns exec ${name} ${real} "$@"\n`, { mode: 0o755 });
  return {
    name,
    hostIp,
    partyIp,
    chromium,
    firewall: (ruleset) => void run('ip', ['netns', 'exec', name, 'nft', '-f', '-'], `flush ruleset\n${ruleset}\n`),
    ruleset: () => run('ip', ['netns', 'exec', name, 'nft', 'list', 'ruleset']),
    remove,
  };
}

/** Packets an nftables rule with a `counter` matched, by the rule's comment. */
export function counted(ruleset: string, comment: string): number {
  const line = ruleset.split('\n').find((l) => l.includes(`comment "${comment}"`));
  return Number(/counter packets (\d+)/.exec(line ?? '')?.[1] ?? 0);
}
