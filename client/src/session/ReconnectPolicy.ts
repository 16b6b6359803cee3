import { isTerminalClose } from '@parley/shared';

/**
 * When to try again after the connection was lost: exponential backoff from 1 s up to 15 s, each
 * delay scaled by a random factor in [0.5, 1.5) so that many clients dropped at once (a server
 * restart) do not all come back at the same moment.
 */
export class ReconnectPolicy {
  private attempts = 0;

  constructor(private readonly random: () => number = Math.random) {}

  /**
   * Milliseconds to wait before the next attempt, or null after a terminal (44xx) close from the
   * server: a revoked link retried forever is a retry storm (docs/threats.md #14).
   */
  nextDelay(lastCloseCode: number | null = null): number | null {
    if (lastCloseCode !== null && isTerminalClose(lastCloseCode)) return null;
    const attempt = this.attempts++;
    const base = Math.min(15_000, 1_000 * 2 ** Math.min(attempt, 4));
    return base * (0.5 + this.random());
  }

  /** After a successful join: the next drop starts again from the shortest delay. */
  reset(): void {
    this.attempts = 0;
  }
}
