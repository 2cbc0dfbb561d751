import { formatAlibabaTime, parseAlibabaTime } from '../common/alibaba-time.js';
import { DAY_MS } from '../common/utc-day.js';
import type { CommandResult } from './init-command.js';
import { printJson, type RemoteOptions, runRemoteCommand } from './remote-command.js';
import { textTable } from './text-table.js';

export interface AuditSourcesOptions extends RemoteOptions {
  /** One key's sources, or (`user`) those of a RAM user's keys; neither: the whole account. */
  readonly key?: string | undefined;
  readonly user?: string | undefined;
  /** A time (`2026-12-01T00:00:00Z`) or a duration before now (`7d`, `36h`). */
  readonly since?: string | undefined;
  readonly until?: string | undefined;
  readonly sort?: string | undefined;
  /** At most this many sources, across as many pages as it takes. */
  readonly limit?: string | undefined;
  readonly now?: Date;
}

const SORTS: Readonly<Record<string, string>> = { calls: 'Calls', 'last-seen': 'LastSeen' };
export const DEFAULT_SOURCES_LIMIT = 100;
/** The action's largest page. */
const PAGE = 100;
const UNITS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: DAY_MS };

interface Source {
  readonly AccessKeyId: string;
  readonly SourceIp: string;
  readonly VpcId?: string;
  readonly AllowedCalls: number;
  readonly DeniedCalls: number;
  readonly FirstSeen: string;
  readonly LastSeen: string;
  readonly Services: readonly { Service: string; Calls: number }[];
  readonly CoveredByCurrentPolicy: boolean;
  readonly New: boolean;
}

/**
 * `keyfence audit sources --endpoint URL [--key ID | --user UPN]`: where a key, a RAM user's keys
 * or the whole account were used from, as a KeyFence server's `ListAccessKeySources` says,
 * following its pages up to `--limit`; a table, or with `--json` one object with every source.
 */
export function runAuditSources(options: AuditSourcesOptions): Promise<CommandResult> {
  return runRemoteCommand({
    command: 'keyfence audit sources',
    options,
    read: () => {
      const params = listingParams(options, options.now ?? new Date());
      if (typeof params === 'string') return params;
      const limit = options.limit ?? String(DEFAULT_SOURCES_LIMIT);
      if (!/^[1-9][0-9]{0,8}$/.test(limit)) return '--limit must be a whole number from 1';
      return { params, limit: Number(limit) };
    },
    run: async (ask, { params, limit }) => {
      const sources: Source[] = [];
      let first: Record<string, unknown> | undefined;
      let token = '';
      do {
        const page = await ask('ListAccessKeySources', {
          ...params,
          MaxResults: String(Math.min(PAGE, limit - sources.length)),
          ...(token === '' ? {} : { NextToken: token }),
        });
        if (!page.ok) return page.error;
        first ??= page.value;
        sources.push(...(page.value.Sources as Source[]));
        token = String(page.value.NextToken ?? '');
      } while (token !== '' && sources.length < limit);

      const { StartTime, EndTime, TotalCount } = first;
      if (options.json) {
        return {
          exitCode: 0,
          stdout: printJson({ StartTime, EndTime, TotalCount, Sources: sources }),
          stderr: '',
        };
      }
      const shown =
        sources.length < Number(TotalCount) ? ` (the first ${sources.length}; --limit for more)` : '';
      const lines = [`${String(TotalCount)} sources from ${String(StartTime)} to ${String(EndTime)}${shown}`];
      if (sources.length > 0) lines.push('', ...table(sources));
      return { exitCode: 0, stdout: `${lines.join('\n')}\n`, stderr: '' };
    },
  });
}

function listingParams(options: AuditSourcesOptions, now: Date): Record<string, string> | string {
  if (options.key !== undefined && options.user !== undefined) return 'give --key or --user, not both';
  const sort = options.sort === undefined ? undefined : SORTS[options.sort];
  if (options.sort !== undefined && sort === undefined) return '--sort must be calls or last-seen';
  const since = options.since === undefined ? undefined : timeOf(options.since, now);
  if (since === null)
    return `--since: ${JSON.stringify(options.since)} is neither a time like 2026-12-01T00:00:00Z nor a duration like 7d`;
  const until = options.until === undefined ? undefined : timeOf(options.until, now);
  if (until === null)
    return `--until: ${JSON.stringify(options.until)} is neither a time like 2026-12-01T00:00:00Z nor a duration like 7d`;
  return {
    ...(options.key === undefined ? {} : { AccessKeyId: options.key }),
    ...(options.user === undefined ? {} : { UserPrincipalName: options.user }),
    ...(since === undefined ? {} : { StartTime: since }),
    ...(until === undefined ? {} : { EndTime: until }),
    ...(sort === undefined ? {} : { SortBy: sort }),
  };
}

/** The time `text` names, as the API takes it, or null. */
function timeOf(text: string, now: Date): string | null {
  if (parseAlibabaTime(text) !== undefined) return text;
  const match = /^([0-9]{1,6})([mhd])$/.exec(text);
  if (match === null) return null;
  return formatAlibabaTime(new Date(now.getTime() - Number(match[1]) * UNITS[match[2]!]!));
}

function table(sources: readonly Source[]): string[] {
  return textTable(
    [
      'ACCESSKEY',
      'SOURCE',
      'VPC',
      'ALLOWED',
      'DENIED',
      'FIRST SEEN',
      'LAST SEEN',
      'COVERED',
      'NEW',
      'SERVICES',
    ],
    sources.map((s) => [
      s.AccessKeyId,
      s.SourceIp,
      s.VpcId ?? '-',
      String(s.AllowedCalls),
      String(s.DeniedCalls),
      s.FirstSeen,
      s.LastSeen,
      s.CoveredByCurrentPolicy ? 'yes' : 'no',
      s.New ? 'new' : '',
      s.Services.map((service) => `${service.Service}:${service.Calls}`).join(' '),
    ]),
  );
}
