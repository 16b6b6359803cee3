import { describe, expect, it } from 'vitest';
import { classifyNetwork } from './breakdown.ts';

describe('classifyNetwork', () => {
  it('calls loss or delay alone weak', () => {
    expect(classifyNetwork({ rttMs: 30, loss: 0.12, availableKbps: 2000 }).quality).toBe('poor');
    expect(classifyNetwork({ rttMs: 900, loss: 0, availableKbps: 2000 }).quality).toBe('poor');
    expect(classifyNetwork({ rttMs: 1600, loss: 0, availableKbps: null }).quality).toBe('bad');
  });

  it('does not call a low bandwidth estimate weak when delay and loss are fine (an idle or busy sender)', () => {
    // Seen in a loaded test run: 228 kbit/s "available", 2 ms delay, nothing lost.
    expect(classifyNetwork({ rttMs: 2, loss: 0, availableKbps: 228 }).quality).toBe('good');
    expect(classifyNetwork({ rttMs: 20, loss: 0, availableKbps: 60 }).quality).toBe('good');
  });

  it('calls a low estimate weak when delay or loss confirm it, and says what was measured', () => {
    const v = classifyNetwork({ rttMs: 300, loss: 0.01, availableKbps: 200 });
    expect(v.quality).toBe('poor');
    expect(v.reason).toBe('Your connection is weak (200 kbit/s available, 1% of data lost, 300 ms delay).');
    expect(classifyNetwork({ rttMs: 40, loss: 0.05, availableKbps: 60 }).quality).toBe('bad');
  });
});
