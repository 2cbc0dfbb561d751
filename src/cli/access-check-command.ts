import { PRODUCTS } from '../request/product.js';
import { type ApiCredentials, callApi, credentialsFrom, endpointUrl } from './api-call.js';
import type { CommandResult } from './init-command.js';
import { textTable } from './text-table.js';

export interface AccessCheckOptions {
  readonly endpoint?: string | undefined;
  /** With `ip` (and perhaps `vpcId`, `service`): a key from a source. */
  readonly key?: string | undefined;
  readonly ip?: string | undefined;
  readonly vpcId?: string | undefined;
  readonly service?: string | undefined;
  /** Instead: the call with this RequestId, as its audit event recorded it. */
  readonly requestId?: string | undefined;
  readonly json?: boolean | undefined;
  /** Where the credentials are read from (the standard Alibaba variables). */
  readonly env: NodeJS.ProcessEnv;
}

/** As `keyfence policy check` offline: 0 allowed, 3 denied, 1 nothing was decided. */
const EXIT = { allowed: 0, denied: 3, error: 1 } as const;
const command = 'keyfence policy check';

/**
 * `keyfence policy check --endpoint URL --key ID --ip ADDR` (or `--request-id ID`): asks a
 * KeyFence server's `CheckAccessKeyAccess` what it enforces now for that key from that source,
 * and what each scope's policy would decide alone; a table, or with `--json` the answer as is.
 */
export async function runAccessCheck(options: AccessCheckOptions): Promise<CommandResult> {
  const fail = (message: string): CommandResult => ({
    exitCode: EXIT.error,
    stdout: '',
    stderr: `${command}: ${message}\n`,
  });
  if (options.endpoint === undefined) return fail('--endpoint is required with --key and --request-id');
  const endpoint = endpointUrl(options.endpoint);
  if (typeof endpoint === 'string') return fail(endpoint);
  const params = checkParams(options);
  if (typeof params === 'string') return fail(params);
  const credentials: ApiCredentials | string = credentialsFrom(options.env);
  if (typeof credentials === 'string') return fail(credentials);

  let reply: Awaited<ReturnType<typeof callApi>>;
  try {
    reply = await callApi({
      endpoint,
      credentials,
      action: 'CheckAccessKeyAccess',
      version: PRODUCTS.Keyfence,
      params,
    });
  } catch (error) {
    return fail(`${endpoint.origin}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { body } = reply;
  if (reply.status !== 200) {
    const code = String(body.Code ?? `HTTP ${reply.status}`);
    const message = String(body.Message ?? '');
    return options.json
      ? { exitCode: EXIT.error, stdout: `${JSON.stringify(body, null, 2)}\n`, stderr: '' }
      : fail(`${code}: ${message} (RequestId ${String(body.RequestId ?? '-')})`);
  }
  return {
    exitCode: body.Allowed === true ? EXIT.allowed : EXIT.denied,
    stdout: options.json ? `${JSON.stringify(body, null, 2)}\n` : describe(body as unknown as CheckAnswer),
    stderr: '',
  };
}

function checkParams(options: AccessCheckOptions): Record<string, string> | string {
  if (options.requestId !== undefined) {
    const extra = (['key', 'ip', 'vpcId', 'service'] as const).find((name) => options[name] !== undefined);
    if (extra !== undefined) {
      return `--request-id names a recorded call: give it without --${extra === 'vpcId' ? 'vpc-id' : extra}`;
    }
    return { RequestId: options.requestId };
  }
  if (options.key === undefined) return 'give --key (with --ip) or --request-id';
  if (options.ip === undefined) return '--key needs --ip, the source address to check';
  return {
    AccessKeyId: options.key,
    SourceIp: options.ip,
    ...(options.vpcId === undefined ? {} : { VpcId: options.vpcId }),
    ...(options.service === undefined ? {} : { Service: options.service }),
  };
}

interface Outcome {
  readonly Allowed: boolean | null;
  readonly Reason: string | null;
  readonly Scope: string | null;
  readonly StatementIndex: number | null;
  readonly EntryIndex: number | null;
  readonly Entry: string | null;
  readonly PolicyVersion: number | null;
}

interface CheckAnswer extends Outcome {
  readonly AccessKeyId: string;
  readonly SourceIp: string;
  readonly VpcId?: string;
  readonly Service?: string;
  readonly Scopes: readonly (Outcome & { Status: string; Effective: boolean })[];
  readonly RecordedCall?: Outcome & { RequestId: string; EventTime: string };
  /** While a report-only candidate of the key's scopes is staged. */
  readonly Candidate?: Outcome;
}

const verdict = (allowed: boolean | null) => (allowed === null ? '-' : allowed ? 'allow' : 'deny');
const orDash = (value: unknown) => (value === null || value === undefined ? '-' : String(value));

function decided(outcome: Outcome): string {
  const by = outcome.Scope === 'None' ? 'no policy in force' : `the ${outcome.Scope} policy`;
  return `${outcome.Reason} (${by}, version ${orDash(outcome.PolicyVersion)}, statement ${orDash(outcome.StatementIndex)})`;
}

function describe(answer: CheckAnswer): string {
  const source = answer.VpcId === undefined ? answer.SourceIp : `${answer.SourceIp} in ${answer.VpcId}`;
  const service = answer.Service === undefined ? '' : `, service ${answer.Service}`;
  const lines = [
    `AccessKey ${answer.AccessKeyId} from ${source}${service}`,
    `${answer.Allowed ? 'ALLOWED' : 'DENIED'}: ${decided(answer)}`,
    '',
  ];
  if (answer.Scopes.length === 0) lines.push('no policy is set for this key or its account');
  else {
    lines.push(
      ...textTable(
        ['SCOPE', 'STATUS', 'IN FORCE', 'ALONE', 'REASON', 'STATEMENT', 'VERSION'],
        answer.Scopes.map((s) => [
          orDash(s.Scope),
          s.Status,
          s.Effective ? 'yes' : 'no',
          verdict(s.Allowed),
          orDash(s.Reason),
          orDash(s.StatementIndex),
          orDash(s.PolicyVersion),
        ]),
      ),
    );
  }
  const candidate = answer.Candidate;
  if (candidate !== undefined) {
    lines.push('', `report-only candidate: would ${verdict(candidate.Allowed)}: ${decided(candidate)}`);
  }
  const recorded = answer.RecordedCall;
  if (recorded !== undefined) {
    lines.push(
      '',
      recorded.Allowed === null
        ? `the call ${recorded.RequestId} at ${recorded.EventTime} was refused before the network ACL decided`
        : `the call ${recorded.RequestId} at ${recorded.EventTime} was ${recorded.Allowed ? 'allowed' : 'denied'}: ${decided(recorded)}`,
    );
  }
  const matched = [
    ...answer.Scopes.map((s) => [`the ${s.Scope} policy`, s] as const),
    ...(recorded === undefined ? [] : [['the recorded call', recorded] as const]),
  ].filter(([, outcome]) => outcome.Entry !== null && outcome.Entry !== undefined);
  if (matched.length > 0) {
    lines.push(
      '',
      'Matching entries:',
      ...matched.map(
        ([who, o]) =>
          `  ${who}: statement ${orDash(o.StatementIndex)}, entry ${orDash(o.EntryIndex)}: ${o.Entry}`,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}
