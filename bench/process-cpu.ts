import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system, every thread) that the processes `pids` have used so far, from
 * /proc; undefined where there is no /proc. Read before and after a load run, the difference over
 * the requests answered is the servers' CPU per request: what a throughput ratio on a shared core
 * comes down to, and steadier than requests/s when the machine's speed drifts.
 */
export function cpuSecondsOf(pids: readonly number[]): number | undefined {
  let ticks = 0;
  try {
    for (const pid of pids) {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command name, which may hold spaces and is closed by the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    }
  } catch {
    return undefined;
  }
  return ticks / TICKS_PER_SECOND;
}
