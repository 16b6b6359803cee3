import dgram from 'node:dgram';
import net from 'node:net';

/**
 * A slow, lossy link in user space, for the network tests (docs/network-tests.md). This kernel has
 * no netem, so the relay stands in front of the platform's media ports: the party's namespace
 * rewrites its media traffic to the relay (nftables DNAT, `natRules`), and the relay forwards it
 * to the real port after `delayMs`, dropping a share `loss` of the UDP datagrams in each direction
 * with a seeded generator (the same seed drops the same packets of the same sequence). Conntrack
 * in the namespace turns the relay's replies back into the media port's address, so the browser
 * sees the platform's own candidates and ICE works unchanged.
 *
 * TCP (ICE over TCP) is delayed but never dropped: a byte stream cannot lose a chunk, and on a
 * real network TCP hides loss as retransmission delay.
 */

export interface WeakLinkOptions {
  /** Where the media ports listen; the relay listens on the same address, on ports of its own. */
  host: string;
  /** The media ports to stand in front of (UDP and TCP alike). */
  ports: number[];
  /** Added to every packet in each direction (a round trip gains twice this). */
  delayMs: number;
  /** Share of UDP datagrams dropped in each direction, 0–1. */
  loss: number;
  seed: number;
}

export interface WeakLinkCounts {
  /** Datagrams from the party towards the platform: forwarded and dropped. */
  up: { forwarded: number; dropped: number };
  /** Datagrams from the platform towards the party. */
  down: { forwarded: number; dropped: number };
  tcpConnections: number;
}

export interface WeakLink {
  counts(): WeakLinkCounts;
  /** An nftables table that sends the namespace's traffic for the media ports through the relay. */
  natRules(): string;
  close(): Promise<void>;
}

/** mulberry32: a small seeded generator, so a run's drops can be reproduced. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function startWeakLink(o: WeakLinkOptions): Promise<WeakLink> {
  const random = seeded(o.seed);
  const counts: WeakLinkCounts = { up: { forwarded: 0, dropped: 0 }, down: { forwarded: 0, dropped: 0 }, tcpConnections: 0 };
  const udpSockets: dgram.Socket[] = [];
  const servers: net.Server[] = [];
  const streams = new Set<net.Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const udpPorts = new Map<number, number>();
  const tcpPorts = new Map<number, number>();
  let closed = false;

  const later = (fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!closed) fn();
    }, o.delayMs);
    timers.add(t);
  };
  const datagram = (dir: WeakLinkCounts['up'], send: () => void) => {
    if (random() < o.loss) {
      dir.dropped++;
      return;
    }
    dir.forwarded++;
    later(send);
  };

  const bindUdp = (s: dgram.Socket) => new Promise<number>((resolve, reject) => {
    s.once('error', reject);
    s.bind(0, o.host, () => resolve(s.address().port));
  });

  for (const mediaPort of o.ports) {
    // One front socket per media port; one back socket per party address, like a NAT, so the
    // platform sees each of the party's flows from its own source.
    const front = dgram.createSocket('udp4');
    udpSockets.push(front);
    const backs = new Map<string, dgram.Socket>();
    front.on('message', (msg, from) => {
      const key = `${from.address}:${from.port}`;
      let back = backs.get(key);
      if (!back) {
        const b = dgram.createSocket('udp4');
        back = b;
        backs.set(key, b);
        udpSockets.push(b);
        b.on('message', (reply) => datagram(counts.down, () => front.send(reply, from.port, from.address)));
        b.on('error', () => backs.delete(key));
        b.bind(0, o.host);
      }
      const b = back;
      datagram(counts.up, () => b.send(msg, mediaPort, o.host));
    });
    front.on('error', () => {});
    udpPorts.set(mediaPort, await bindUdp(front));

    const server = net.createServer((party) => {
      counts.tcpConnections++;
      const platform = net.connect(mediaPort, o.host);
      for (const [from, to] of [[party, platform], [platform, party]] as const) {
        streams.add(from);
        from.on('data', (chunk) => later(() => to.write(chunk)));
        from.on('end', () => later(() => to.end()));
        from.on('error', () => to.destroy());
        from.on('close', () => streams.delete(from));
      }
    });
    servers.push(server);
    tcpPorts.set(mediaPort, await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, o.host, () => resolve((server.address() as net.AddressInfo).port));
    }));
  }

  return {
    counts: () => structuredClone(counts),
    natRules: () =>
      [
        'table ip parley_weak_link {',
        '  chain output {',
        '    type nat hook output priority -100; policy accept;',
        ...[...udpPorts].map(([m, r]) => `    ip daddr ${o.host} udp dport ${m} dnat to ${o.host}:${r}`),
        ...[...tcpPorts].map(([m, r]) => `    ip daddr ${o.host} tcp dport ${m} dnat to ${o.host}:${r}`),
        '  }',
        '}',
      ].join('\n'),
    close: async () => {
      closed = true;
      for (const t of timers) clearTimeout(t);
      for (const s of streams) s.destroy();
      for (const s of udpSockets) {
        try {
          s.close();
        } catch {
          // never bound (its bind failed): nothing to close
        }
      }
      await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}
