import { formatAlibabaTime, parseAlibabaTime } from '../common/alibaba-time.js';
import { DAY_MS } from '../common/utc-day.js';
import { PRODUCTS } from '../request/product.js';
import { type ApiReply, callApi, credentialsFrom, endpointUrl } from './api-call.js';
import type { CommandResult } from './init-command.js';
import { textTable } from './text-table.js';

export interface PolicyRecommendOptions {
  readonly endpoint?: string | undefined;
  /** One key; absent: the keys the account's policy governs. */
  readonly key?: string | undefined;
  /** A window of this many days up to now; or `start` and `end`. */
  readonly days?: string | undefined;
  readonly start?: string | undefined;
  readonly end?: string | undefined;
  readonly coverage?: string | undefined;
  readonly minCalls?: string | undefined;
  readonly json?: boolean | undefined;
  /** Where the credentials are read from (the standard Alibaba variables). */
  readonly env: NodeJS.ProcessEnv;
  readonly now?: Date;
}

const command = 'keyfence policy recommend';

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
export async function runPolicyRecommend(options: PolicyRecommendOptions): Promise<CommandResult> {
  const fail = (message: string): CommandResult => ({
    exitCode: 1,
    stdout: '',
    stderr: `${command}: ${message}\n`,
  });
  if (options.endpoint === undefined) return fail('--endpoint is required');
  const endpoint = endpointUrl(options.endpoint);
  if (typeof endpoint === 'string') return fail(endpoint);
  const params = recommendParams(options, options.now ?? new Date());
  if (typeof params === 'string') return fail(params);
  const credentials = credentialsFrom(options.env);
  if (typeof credentials === 'string') return fail(credentials);
  let reply: ApiReply;
  try {
    reply = await callApi({
      endpoint,
      credentials,
      action: 'RecommendAccessKeyPolicy',
      version: PRODUCTS.Keyfence,
      params,
    });
  } catch (error) {
    return fail(`${endpoint.origin}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { body } = reply;
  if (options.json) {
    return {
      exitCode: reply.status === 200 ? 0 : 1,
      stdout: `${JSON.stringify(body, null, 2)}\n`,
      stderr: '',
    };
  }
  if (reply.status !== 200) {
    return fail(
      `${String(body.Code ?? `HTTP ${reply.status}`)}: ${String(body.Message ?? '')} (RequestId ${String(body.RequestId ?? '-')})`,
    );
  }
  return { exitCode: 0, stdout: `${report(body).join('\n')}\n`, stderr: '' };
}

function recommendParams(options: PolicyRecommendOptions, now: Date): Record<string, string> | string {
  const { days, start, end } = options;
  if (days !== undefined && (start !== undefined || end !== undefined))
    return 'give --days or --start/--end, not both';
  if (days !== undefined && !/^[1-9][0-9]{0,3}$/.test(days))
    return '--days must be a whole number of days from 1';
  for (const [name, time] of [
    ['--start', start],
    ['--end', end],
  ] as const) {
    if (time !== undefined && parseAlibabaTime(time) === undefined) {
      return `${name}: ${JSON.stringify(time)} is not a time like 2026-12-01T00:00:00Z`;
    }
  }
  const window =
    days === undefined
      ? {
          ...(start === undefined ? {} : { StartTime: start }),
          ...(end === undefined ? {} : { EndTime: end }),
        }
      : {
          StartTime: formatAlibabaTime(
            new Date(Math.floor(now.getTime() / 1000) * 1000 - Number(days) * DAY_MS),
          ),
          EndTime: formatAlibabaTime(new Date(Math.floor(now.getTime() / 1000) * 1000)),
        };
  // Coverage and MinCalls are checked by the server, which names the one at fault.
  return {
    ...(options.key === undefined ? {} : { AccessKeyId: options.key }),
    ...window,
    ...(options.coverage === undefined ? {} : { Coverage: options.coverage }),
    ...(options.minCalls === undefined ? {} : { MinCalls: options.minCalls }),
  };
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
