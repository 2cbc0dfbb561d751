import type { CommandResult } from './init-command.js';
import { type RemoteOptions, runOneCallCommand } from './remote-command.js';
import { textTable } from './text-table.js';

export interface AccessCheckOptions extends RemoteOptions {
  /** With `ip` (and perhaps `vpcId`, `service`): a key from a source. */
  readonly key?: string | undefined;
  readonly ip?: string | undefined;
  readonly vpcId?: string | undefined;
  readonly service?: string | undefined;
  /** Instead: the call with this RequestId, as its audit event recorded it. */
  readonly requestId?: string | undefined;
}

/** As `keyfence policy check` offline: 0 allowed, 3 denied (refusals exit 1, nothing was decided). */
const EXIT = { allowed: 0, denied: 3 } as const;

/**
 * `keyfence policy check --endpoint URL --key ID --ip ADDR` (or `--request-id ID`): asks a
 * KeyFence server's `CheckAccessKeyAccess` what it enforces now for that key from that source,
 * and what each scope's policy would decide alone; a table, or with `--json` the answer as is.
 */
export function runAccessCheck(options: AccessCheckOptions): Promise<CommandResult> {
  return runOneCallCommand({
    command: 'keyfence policy check',
    options,
    endpointRequired: '--endpoint is required with --key and --request-id',
    action: 'CheckAccessKeyAccess',
    read: () => checkParams(options),
    report: (body) => describe(body as unknown as CheckAnswer),
    exitCode: (body) => (body.Allowed === true ? EXIT.allowed : EXIT.denied),
  });
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
