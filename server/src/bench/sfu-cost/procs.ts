/**
 * Process accounting for the SFU cost benchmark: CPU time and resident memory of any process from
 * /proc (the mediasoup worker, the load generator), and pinning a process to one core.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ). */
export const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of the whole process (all its threads), in microseconds. */
export function cpuMicros(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of the man page (utime, stime) are at 11 and 12 after the state field (3).
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1e6) / CLOCK_TICKS;
}

/** Resident set size in MB (VmRSS). */
export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  return Math.round(kb / 102.4) / 10;
}

export const CORES = os.availableParallelism();

/** Pins `pid` (all its threads) to `core`; false when the machine has one core or taskset is missing. */
export function pin(pid: number, core: number): boolean {
  if (CORES < 2) return false;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(core % CORES), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * The kernel's UDP counters for this network namespace (/proc/net/snmp): datagrams dropped because
 * a socket's receive buffer was full show where loss happened (a sink, or the worker's ingress), not
 * in the SFU's forwarding. Machine-wide: other UDP traffic counts too.
 */
export function udpReceiveBufferDrops(): number {
  const snmp = fs.readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((l) => l.startsWith('Udp:'));
  const names = snmp[0]?.split(/\s+/) ?? [];
  const values = snmp[1]?.split(/\s+/) ?? [];
  return Number(values[names.indexOf('RcvbufErrors')] ?? 0);
}

/** A numeric kernel setting from /proc/sys (e.g. 'net/core/rmem_default'); null where it cannot be read. */
export function sysctlNumber(name: string): number | null {
  try {
    return Number(fs.readFileSync(`/proc/sys/${name}`, 'utf8').trim());
  } catch {
    return null;
  }
}
