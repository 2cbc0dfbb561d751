import { formatAlibabaTime, parseAlibabaTime } from '../common/alibaba-time.js';
import { DAY_MS } from '../common/utc-day.js';
import { PRODUCTS } from '../request/product.js';
import { type ApiReply, callApi, credentialsFrom, endpointUrl } from './api-call.js';
import type { CommandResult } from './init-command.js';
import { readPolicyFileToSend } from './read-policy-file.js';
import { textTable } from './text-table.js';

export interface PolicySimulateOptions {
  readonly endpoint?: string | undefined;
  /** The candidate's AccessKey; absent, the candidate is the account-level policy. */
  readonly key?: string | undefined;
  /** The candidate AccessKeyPolicy document. */
  readonly file?: string | undefined;
  /** The window: the last `days` days, or `start` to `end` (either may be left to the server). */
  readonly days?: string | undefined;
  readonly start?: string | undefined;
  readonly end?: string | undefined;
  readonly json?: boolean | undefined;
  /** Where the credentials are read from (the standard Alibaba variables). */
  readonly env: NodeJS.ProcessEnv;
  readonly now?: Date;
}

const command = 'keyfence policy simulate';

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
export async function runPolicySimulate(options: PolicySimulateOptions): Promise<CommandResult> {
  const fail = (message: string): CommandResult => ({
    exitCode: 1,
    stdout: '',
    stderr: `${command}: ${message}\n`,
  });
  if (options.endpoint === undefined) return fail('--endpoint is required');
  if (options.file === undefined) return fail('--file is required');
  const endpoint = endpointUrl(options.endpoint);
  if (typeof endpoint === 'string') return fail(endpoint);
  const window = windowParams(options, options.now ?? new Date());
  if (typeof window === 'string') return fail(window);
  const read = await readPolicyFileToSend(options.file);
  if (!read.ok) return fail(`[${read.error.code}] ${read.error.message}`);
  const credentials = credentialsFrom(options.env);
  if (typeof credentials === 'string') return fail(credentials);

  let reply: ApiReply;
  try {
    reply = await callApi({
      endpoint,
      credentials,
      action: 'SimulateAccessKeyPolicy',
      version: PRODUCTS.Keyfence,
      params: {
        AccessKeyPolicy: read.value,
        ...(options.key === undefined ? {} : { AccessKeyId: options.key }),
        ...window,
      },
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

function windowParams(options: PolicySimulateOptions, now: Date): Record<string, string> | string {
  if (options.days !== undefined && (options.start !== undefined || options.end !== undefined)) {
    return 'give --days or --start/--end, not both';
  }
  if (options.days !== undefined) {
    if (!/^[1-9][0-9]{0,4}$/.test(options.days)) return '--days must be a whole number from 1';
    const end = new Date(Math.floor(now.getTime() / 1000) * 1000);
    return {
      StartTime: formatAlibabaTime(new Date(end.getTime() - Number(options.days) * DAY_MS)),
      EndTime: formatAlibabaTime(end),
    };
  }
  for (const [flag, text] of [
    ['--start', options.start],
    ['--end', options.end],
  ] as const) {
    if (text !== undefined && parseAlibabaTime(text) === undefined) {
      return `${flag}: ${JSON.stringify(text)} is not a time like 2026-12-01T00:00:00Z`;
    }
  }
  return {
    ...(options.start === undefined ? {} : { StartTime: options.start }),
    ...(options.end === undefined ? {} : { EndTime: options.end }),
  };
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
