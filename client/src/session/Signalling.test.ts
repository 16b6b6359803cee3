import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReconnectPolicy } from './ReconnectPolicy.ts';

/** A stand-in for socket.io-client's socket: events are fired by the test, connects are counted. */
class FakeSocket {
  connected = false;
  connects = 0;
  /** socket.io's manager: where the next connection goes. */
  io = { uri: 'https://mediation.example.org' };
  private readonly handlers = new Map<string, Array<(...args: unknown[]) => void>>();
  on(event: string, fn: (...args: unknown[]) => void): this {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), fn]);
    return this;
  }
  fire(event: string, ...args: unknown[]): void {
    for (const fn of this.handlers.get(event) ?? []) fn(...args);
  }
  connect(): void {
    this.connects++;
  }
  /** Calls of disconnect(), connected or not (a refused handshake leaves the manager's connection open). */
  disconnects = 0;
  disconnect(): void {
    this.disconnects++;
    if (!this.connected) return;
    this.connected = false;
    this.fire('disconnect', 'io client disconnect');
  }
}

const made: Array<{ options: Record<string, unknown>; socket: FakeSocket }> = [];
vi.mock('socket.io-client', () => ({
  io: (options: Record<string, unknown>) => {
    const socket = new FakeSocket();
    made.push({ options, socket });
    return socket;
  },
}));

const { Signalling } = await import('./Signalling.ts');

/** A connected session whose policy waits exactly 1 s, then 2 s, 4 s… (no jitter). */
function connected() {
  const signalling = new Signalling({ kind: 'invitee', token: 'x'.repeat(20) }, new ReconnectPolicy(() => 0.5));
  const { socket, options } = made.at(-1)!;
  signalling.connect();
  socket.connected = true;
  socket.fire('connect');
  return { signalling, socket, options };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('Signalling: one reconnect policy', () => {
  it('turns socket.io’s own reconnection off; a network drop is retried once, after our policy’s delay', () => {
    const { socket, options } = connected();
    expect(options.reconnection).toBe(false);
    socket.connected = false;
    socket.fire('disconnect', 'transport close'); // socket.io used to retry this one by itself
    vi.advanceTimersByTime(999);
    expect(socket.connects).toBe(1);
    vi.advanceTimersByTime(1);
    expect(socket.connects).toBe(2);
    // The attempt fails on a still-dead network: the next one waits longer (2 s), and only one is pending.
    socket.fire('connect_error', new Error('websocket error'));
    socket.fire('connect_error', new Error('websocket error'));
    vi.advanceTimersByTime(1_999);
    expect(socket.connects).toBe(2);
    vi.advanceTimersByTime(1);
    expect(socket.connects).toBe(3);
  });

  it('keeps trying after the server said it is restarting (4503), however long it stays away', () => {
    const { socket } = connected();
    socket.fire('session:closed', { code: 4503, message: 'The service is restarting. You will be reconnected.' });
    socket.connected = false;
    socket.fire('disconnect', 'io server disconnect');
    // Each attempt fails while the server is down; the delays grow to 15 s and stay there.
    for (let attempt = 2; attempt <= 12; attempt++) {
      vi.advanceTimersByTime(15_000);
      expect(socket.connects).toBe(attempt);
      socket.fire('connect_error', new Error('websocket error'));
    }
  });

  it('never reconnects after a terminal close, a final refusal, or close()', () => {
    const terminal = connected();
    terminal.socket.fire('session:closed', { code: 4410, message: 'revoked' });
    terminal.socket.connected = false;
    terminal.socket.fire('disconnect', 'io server disconnect');

    const refused = connected();
    refused.socket.connected = false;
    refused.socket.fire('connect_error', Object.assign(new Error('refused'), { data: { code: 'link_revoked', message: 'This link was withdrawn.' } }));

    const closed = connected();
    closed.signalling.close();

    vi.advanceTimersByTime(60_000);
    expect([terminal, refused, closed].map((c) => c.socket.connects)).toEqual([1, 1, 1]);
  });
});

describe('Signalling: several servers', () => {
  const moved = (to: string) => Object.assign(new Error('moved'), { data: { code: 'moved', message: 'This session runs on another server.', moveTo: to } });
  /** A connected session whose connection dropped, one policy delay later: its second connect is under way. */
  const droppedAndRetrying = () => {
    const { socket } = connected();
    socket.connected = false;
    socket.fire('disconnect', 'transport close');
    vi.advanceTimersByTime(1000);
    return socket;
  };

  it('connects at once to the server that runs the case, then goes on from there', () => {
    const socket = droppedAndRetrying();
    expect(socket.connects).toBe(2);
    const before = socket.disconnects;
    socket.fire('connect_error', moved('https://node-2.example.org'));
    expect(socket.io.uri).toBe('https://node-2.example.org');
    // The manager's open connection to the page's server is closed first, or connect() would reuse it.
    expect(socket.disconnects).toBe(before + 1);
    expect(socket.connects).toBe(3);
  });

  it('waits its turn when sent on again before any connection succeeded (no ping-pong between two servers)', () => {
    const socket = droppedAndRetrying();
    socket.fire('connect_error', moved('https://node-2.example.org'));
    expect(socket.connects).toBe(3);
    socket.fire('connect_error', moved('https://node-1.example.org'));
    expect(socket.io.uri).toBe('https://node-1.example.org');
    expect(socket.connects).toBe(3);
    vi.advanceTimersByTime(4000);
    expect(socket.connects).toBe(4);
  });

  it('asks the page’s own server again when the one it was sent to does not answer, and not that one again until it takes over', () => {
    const socket = droppedAndRetrying();
    socket.fire('connect_error', moved('https://node-2.example.org'));
    socket.fire('connect_error', new Error('websocket error'));
    expect(socket.io.uri).toBe('https://mediation.example.org');
    vi.advanceTimersByTime(10_000);
    expect(socket.connects).toBe(4);
    // The page's server still names the dead node (its lease runs): the next try is the page's server again.
    socket.fire('connect_error', moved('https://node-2.example.org'));
    expect(socket.io.uri).toBe('https://mediation.example.org');
    vi.advanceTimersByTime(20_000);
    expect(socket.connects).toBe(5);
    // Connected: a later move to that node is followed again.
    socket.connected = true;
    socket.fire('connect');
    socket.connected = false;
    socket.fire('disconnect', 'transport close');
    vi.advanceTimersByTime(1000);
    socket.fire('connect_error', moved('https://node-2.example.org'));
    expect(socket.io.uri).toBe('https://node-2.example.org');
  });
});

