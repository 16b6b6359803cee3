import { describe, expect, it } from 'vitest';
import { summarise, table, TARGETS, verdict } from './summary.ts';

const machine = { cores: 2, cpu: 'Test CPU' };

describe('bench summary', () => {
  it('takes each key from its file, null where a file or key is missing, with the commit of each source', () => {
    const s = summarise({ 'sfu-cost': { commit: 'abc', sfu_cpu_ratio_ours_vs_bare: 0.98, egress_pps_per_worker_core: 80_000 }, 'caucus-move': { commit: 'def', caucus_move_p50_ms: 90 } }, machine, 'head', '2026-12-06T00:00:00Z');
    expect(s.sfu_cpu_ratio_ours_vs_bare).toBe(0.98);
    expect(s.caucus_move_p50_ms).toBe(90);
    expect(s.yjs_p99_ms_25_editors).toBeNull();
    expect(s.sources['sfu-cost']!.commit).toBe('abc');
    expect(s.sources['yjs-editors']!.commit).toBeNull();
    for (const t of TARGETS) expect(s).toHaveProperty(t.key);
    expect(s).toMatchObject({ machine, commit: 'head', measured_at: '2026-12-06T00:00:00Z' });
  });

  it('judges each figure against its target, the first frame against the minimal page of the same run', () => {
    const byKey = (k: string) => TARGETS.find((t) => t.key === k)!;
    expect(verdict(byKey('sfu_cpu_ratio_ours_vs_bare'), 1.06, {})).toBe('missed');
    expect(verdict(byKey('sfu_cpu_ratio_ours_vs_bare'), 1.05, {})).toBe('met');
    expect(verdict(byKey('egress_pps_per_worker_core'), 74_999, {})).toBe('missed');
    expect(verdict(byKey('ttff_click_p50_ms'), 300, { ttff_bare_page_p50_ms: 340 })).toBe('met');
    expect(verdict(byKey('ttff_click_p50_ms'), 340, { ttff_bare_page_p50_ms: 340 })).toBe('missed');
    expect(verdict(byKey('ttff_click_p50_ms'), 300, {})).toBe('not measured');
    expect(verdict(byKey('yjs_p99_ms_25_editors'), null, {})).toBe('not measured');
    expect(verdict(byKey('caucus_move_p50_ms'), 99, {})).toBe('met');
    expect(verdict(byKey('caucus_move_p50_ms'), 100, {})).toBe('missed');
  });

  it('writes one table row per key, naming the file and commit it came from', () => {
    const results = { 'socketio-ack': { commit: 'c0ffee', socketio_ack_p99_ms_1000: 12 } };
    const md = table(summarise(results, machine, 'head', 'now'), results);
    expect(md.split('\n').filter((l) => l.startsWith('| `'))).toHaveLength(TARGETS.length);
    expect(md).toContain('| `socketio_ack_p99_ms_1000` | socket.io ack round trip with 1,000 sockets, p99 | 12 ms | < 20 | met | socketio-ack.json @ c0ffee |');
  });
});
