/**
 * Pins the load generator to one CPU and the servers under test to the others, so that neither
 * steals the other's core and the scheduler's placement does not vary from round to round: on this
 * 2-core machine forward-auth's ratio to the bare server ranged 72–85 % over unpinned runs and
 * 82–90 % over pinned ones. Both targets of a comparison get the same CPUs. `taskset -a` pins every thread, the ones a process
 * starts later inherit it.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export type Pinning =
  | { readonly pinned: true; readonly loadGeneratorCpu: number; readonly serverCpus: string }
  | { readonly pinned: false; readonly why: string };

export function pinLoadGeneratorAndServers(serverPids: readonly number[]): Pinning {
  const cpus = os.availableParallelism();
  if (process.env.BENCH_NO_PINNING === '1') return { pinned: false, why: 'BENCH_NO_PINNING=1' };
  if (cpus < 2) return { pinned: false, why: 'one CPU' };
  const serverCpus = cpus === 2 ? '1' : `1-${cpus - 1}`;
  const pinned: number[] = [];
  try {
    for (const pid of serverPids) {
      taskset(serverCpus, pid);
      pinned.push(pid);
    }
    taskset('0', process.pid);
  } catch (error) {
    // Half pinned is worse than not at all: whoever was pinned gets every CPU back.
    for (const pid of pinned) taskset(`0-${cpus - 1}`, pid);
    return { pinned: false, why: `taskset failed (${(error as Error).message.split('\n')[0]})` };
  }
  return { pinned: true, loadGeneratorCpu: 0, serverCpus };
}

function taskset(cpus: string, pid: number): void {
  execFileSync('taskset', ['-apc', cpus, String(pid)], { stdio: 'ignore' });
}

/** One line for a benchmark's method text. */
export function describePinning(pinning: Pinning): string {
  return pinning.pinned
    ? `CPU pinning (taskset): the load generator on CPU ${pinning.loadGeneratorCpu}, the servers under test on CPU ${pinning.serverCpus}.`
    : `No CPU pinning (${pinning.why}); the load generator and the servers share every CPU.`;
}
