import type { CommandResult } from './init-command.js';
import { readPolicyFileToSend } from './read-policy-file.js';
import { type RemoteOptions, runOneCallCommand } from './remote-command.js';
import { textTable } from './text-table.js';
import { type WindowOptions, windowParams } from './window-params.js';

export interface PolicySimulateOptions extends RemoteOptions, WindowOptions {
  /** The candidate's AccessKey; absent, the candidate is the account-level policy. */
  readonly key?: string | undefined;
  /** The candidate AccessKeyPolicy document. */
  readonly file?: string | undefined;
  readonly now?: Date;
}

interface Change {
  readonly SourceIp: string;
  readonly VpcId?: string;
  readonly Calls: number;
  readonly LastSeen: string;
  readonly Services: readonly string[];
}

interface KeyImpact {
  readonly AccessKeyId: string;
  readonly UserName?: string;
  readonly NewlyDenied: readonly Change[];
  readonly NewlyAllowed: readonly Change[];
}

/**
 * `keyfence policy simulate --endpoint URL --file POLICY.json [--key ID]`: what the candidate
 * would newly deny and newly allow over a window, as a KeyFence server's
 * `SimulateAccessKeyPolicy` says; a table per key, or with `--json` the server's answer. Exit 0
 * whatever the impact (scripts read `--json`), 1 on error.
 */
export function runPolicySimulate(options: PolicySimulateOptions): Promise<CommandResult> {
  return runOneCallCommand({
    command: 'keyfence policy simulate',
    options,
    action: 'SimulateAccessKeyPolicy',
    read: async () => {
      if (options.file === undefined) return '--file is required';
      const window = windowParams(options, options.now ?? new Date());
      if (typeof window === 'string') return window;
      const read = await readPolicyFileToSend(options.file);
      if (!read.ok) return `[${read.error.code}] ${read.error.message}`;
      return {
        AccessKeyPolicy: read.value,
        ...(options.key === undefined ? {} : { AccessKeyId: options.key }),
        ...window,
      };
    },
    report: (body) => `${report(body).join('\n')}\n`,
  });
}

function report(body: Record<string, unknown>): string[] {
  const keys = body.Keys as readonly KeyImpact[];
  const lines = [
    `from ${String(body.StartTime)} to ${String(body.EndTime)}: ${String(body.NewlyDeniedCalls)} calls newly denied, ` +
      `${String(body.NewlyAllowedCalls)} newly allowed, ${keys.length} of ${String(body.AffectedKeys)} affected keys changed ` +
      `(${String(body.KeysWithoutTraffic)} without traffic)`,
  ];
  if (body.Truncated === true) {
    lines.push(`only the ${String(body.ScannedSources)} sources with the most calls were simulated`);
  }
  const excluded = body.ExcludedServices as readonly string[];
  if (excluded.length > 0) lines.push(`exempt services, never changed: ${excluded.join(', ')}`);
  lines.push(String(body.Note));
  for (const key of keys) {
    lines.push('', key.UserName === undefined ? key.AccessKeyId : `${key.AccessKeyId} (${key.UserName})`);
    const rows = [
      ...key.NewlyDenied.map((change) => row('newly denied', change)),
      ...key.NewlyAllowed.map((change) => row('newly allowed', change)),
    ];
    lines.push(
      ...textTable(['CHANGE', 'SOURCE', 'VPC', 'CALLS', 'LAST SEEN', 'SERVICES'], rows).map((l) => `  ${l}`),
    );
  }
  return lines;
}

function row(change: string, source: Change): string[] {
  return [
    change,
    source.SourceIp,
    source.VpcId ?? '-',
    String(source.Calls),
    source.LastSeen,
    source.Services.join(' '),
  ];
}
