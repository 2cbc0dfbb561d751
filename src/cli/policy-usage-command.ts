import { PRODUCTS } from '../request/product.js';
import { type ApiReply, callApi, credentialsFrom, endpointUrl } from './api-call.js';
import type { CommandResult } from './init-command.js';
import { textTable } from './text-table.js';
import { type WindowOptions, windowParams } from './window-params.js';

export interface PolicyUsageOptions extends WindowOptions {
  readonly endpoint?: string | undefined;
  /** One key's policy; absent: the account-level policy. */
  readonly key?: string | undefined;
  readonly json?: boolean | undefined;
  /** Where the credentials are read from (the standard Alibaba variables). */
  readonly env: NodeJS.ProcessEnv;
  readonly now?: Date;
}

const command = 'keyfence policy usage';

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
export async function runPolicyUsage(options: PolicyUsageOptions): Promise<CommandResult> {
  const fail = (message: string): CommandResult => ({
    exitCode: 1,
    stdout: '',
    stderr: `${command}: ${message}\n`,
  });
  if (options.endpoint === undefined) return fail('--endpoint is required');
  const endpoint = endpointUrl(options.endpoint);
  if (typeof endpoint === 'string') return fail(endpoint);
  const window = windowParams(options, options.now ?? new Date());
  if (typeof window === 'string') return fail(window);
  const credentials = credentialsFrom(options.env);
  if (typeof credentials === 'string') return fail(credentials);
  let reply: ApiReply;
  try {
    reply = await callApi({
      endpoint,
      credentials,
      action: 'GetAccessKeyPolicyEntryUsage',
      version: PRODUCTS.Keyfence,
      params: { ...(options.key === undefined ? {} : { AccessKeyId: options.key }), ...window },
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
