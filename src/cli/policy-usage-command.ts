import type { CommandResult } from './init-command.js';
import { type RemoteOptions, runOneCallCommand } from './remote-command.js';
import { textTable } from './text-table.js';
import { type WindowOptions, windowParams } from './window-params.js';

export interface PolicyUsageOptions extends RemoteOptions, WindowOptions {
  /** One key's policy; absent: the account-level policy. */
  readonly key?: string | undefined;
  readonly now?: Date;
}

interface EntryUsage {
  readonly StatementIndex: number;
  readonly Type: string;
  readonly Value?: string;
  readonly Entry: string;
  readonly Hits: number;
  readonly Sources: number;
  readonly LastHit?: string;
}

/**
 * `keyfence policy usage --endpoint URL [--key ID]`: per entry of the account's (or a key's)
 * policy, the allowed calls of a window it let in, as a KeyFence server's
 * `GetAccessKeyPolicyEntryUsage` counts them; entries that let nothing in are flagged `unused`.
 * With `--json` the server's answer.
 */
export function runPolicyUsage(options: PolicyUsageOptions): Promise<CommandResult> {
  return runOneCallCommand({
    command: 'keyfence policy usage',
    options,
    action: 'GetAccessKeyPolicyEntryUsage',
    read: () => {
      const window = windowParams(options, options.now ?? new Date());
      if (typeof window === 'string') return window;
      return { ...(options.key === undefined ? {} : { AccessKeyId: options.key }), ...window };
    },
    report: (body) => `${report(body).join('\n')}\n`,
  });
}

function report(body: Record<string, unknown>): string[] {
  const entries = body.Entries as EntryUsage[];
  const scope =
    body.AccessKeyId === undefined
      ? 'the account-level policy'
      : `AccessKey ${String(body.AccessKeyId)}'s policy`;
  const lines = [
    `Entry usage of ${scope} (version ${String(body.PolicyVersion)}) from ${String(body.StartTime)} to ${String(body.EndTime)}`,
  ];
  if (entries.length > 0) {
    lines.push(
      '',
      ...textTable(
        ['STATEMENT', 'NETWORK', 'ENTRY', 'HITS', 'SOURCES', 'LAST HIT', ''],
        entries.map((e) => [
          String(e.StatementIndex),
          e.Value ?? 'public',
          e.Entry,
          String(e.Hits),
          String(e.Sources),
          e.LastHit ?? '-',
          e.Hits === 0 ? 'unused' : '',
        ]),
      ),
    );
  }
  const unused = entries.filter((e) => e.Hits === 0).length;
  lines.push(
    '',
    `${unused} of ${entries.length} entries unused; ${String(body.UncoveredCalls)} allowed calls came from sources this policy would not let in now`,
  );
  return lines;
}
