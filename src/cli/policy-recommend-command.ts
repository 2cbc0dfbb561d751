import type { CommandResult } from './init-command.js';
import { type RemoteOptions, runOneCallCommand } from './remote-command.js';
import { textTable } from './text-table.js';
import { type WindowOptions, windowParams } from './window-params.js';

export interface PolicyRecommendOptions extends RemoteOptions, WindowOptions {
  /** One key; absent: the keys the account's policy governs. */
  readonly key?: string | undefined;
  readonly coverage?: string | undefined;
  readonly minCalls?: string | undefined;
  readonly now?: Date;
}

interface Entry {
  readonly StatementIndex: number;
  readonly Entry: string;
  readonly Sources: number;
  readonly Calls: number;
  readonly LastSeen: string;
  readonly Addresses: string;
}

interface Uncovered {
  readonly SourceIp: string;
  readonly VpcId?: string;
  readonly Calls: number;
  readonly LastSeen: string;
  readonly Reason: string;
}

/**
 * `keyfence policy recommend --endpoint URL [--key ID]`: a draft AccessKeyPolicy from where a key,
 * or the keys the account's policy governs, were used, as a KeyFence server's
 * `RecommendAccessKeyPolicy` drafts it: what each entry lets in, what was left out, then the
 * document (never applied: review it, then set it); with `--json` the server's answer.
 */
export function runPolicyRecommend(options: PolicyRecommendOptions): Promise<CommandResult> {
  return runOneCallCommand({
    command: 'keyfence policy recommend',
    options,
    action: 'RecommendAccessKeyPolicy',
    read: () => {
      const window = windowParams(options, options.now ?? new Date());
      if (typeof window === 'string') return window;
      // Coverage and MinCalls are checked by the server, which names the one at fault.
      return {
        ...(options.key === undefined ? {} : { AccessKeyId: options.key }),
        ...window,
        ...(options.coverage === undefined ? {} : { Coverage: options.coverage }),
        ...(options.minCalls === undefined ? {} : { MinCalls: options.minCalls }),
      };
    },
    report: (body) => `${report(body).join('\n')}\n`,
  });
}

function report(body: Record<string, unknown>): string[] {
  const policy = JSON.parse(String(body.AccessKeyPolicy)) as {
    Statements: { Type: string; Value?: string }[];
  };
  const entries = body.Entries as Entry[];
  const uncovered = body.Uncovered as Uncovered[];
  const covered = Number(body.CoveredCalls);
  const total = Number(body.TotalCalls);
  const share = total === 0 ? '' : ` (${Math.floor((covered * 1000) / total) / 10}%)`;
  const lines = [
    `A draft from ${String(body.StartTime)} to ${String(body.EndTime)}: it lets in ${covered} of ${total} allowed calls${share}`,
  ];
  if (entries.length > 0) {
    lines.push(
      '',
      ...textTable(
        ['STATEMENT', 'NETWORK', 'ENTRY', 'ADDRESSES', 'SOURCES', 'CALLS', 'LAST SEEN'],
        entries.map((e) => [
          String(e.StatementIndex),
          policy.Statements[e.StatementIndex]?.Value ?? 'public',
          e.Entry,
          e.Addresses,
          String(e.Sources),
          String(e.Calls),
          e.LastSeen,
        ]),
      ),
    );
  }
  if (uncovered.length > 0) {
    lines.push(
      '',
      `Left out: ${String(body.UncoveredCount)} sources${body.UncoveredTruncated === true ? ` (the ${uncovered.length} with the most calls below)` : ''}`,
      ...textTable(
        ['SOURCE', 'VPC', 'CALLS', 'LAST SEEN', 'REASON'],
        uncovered.map((u) => [u.SourceIp, u.VpcId ?? '-', String(u.Calls), u.LastSeen, u.Reason]),
      ),
    );
  }
  lines.push(
    '',
    'The draft (not applied; review it, then set it with SetAccessKeyPolicy or SetAccessKeyPolicyForAccount):',
    JSON.stringify(policy, null, 2),
  );
  return lines;
}
