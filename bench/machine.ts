import { execFileSync } from 'node:child_process';
import os from 'node:os';

function lscpuField(name: string): string | undefined {
  try {
    const out = execFileSync('lscpu', { encoding: 'utf8' });
    const line = out.split('\n').find((l) => l.startsWith(`${name}:`));
    return line?.slice(name.length + 1).trim();
  } catch {
    return undefined;
  }
}

/** What a benchmark ran on, for docs/benchmarks.md. */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly v8: string;
  readonly os: string;
  readonly loadAverage: string;
}

export function describeMachine(): Machine {
  return {
    cpu: `${lscpuField('Model name') ?? os.cpus()[0]?.model ?? 'unknown'} (family ${lscpuField('CPU family') ?? '?'}, model ${lscpuField('Model') ?? '?'})`,
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    v8: process.versions.v8,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
  };
}
