import { formatAddress, parseAddress } from '../net/address.js';
import type { DecisionScope } from '../policy/decision.js';
import { DecisionIndex, type ScopeEvaluation } from '../policy/decision-index.js';
import { matchedEntry } from '../policy/matched-entry.js';
import { parsePolicy } from '../policy/parse-policy.js';
import type { AccessKeyPolicy } from '../policy/policy-document.js';
import { DEFAULT_POLICY_LIMITS, type PolicyLimits } from '../policy/policy-limits.js';
import type { PolicyProblem } from '../policy/policy-problem.js';
import { isVpcId } from '../policy/vpc-id.js';
import { readPolicyFile } from './read-policy-file.js';

export interface PolicyCheckOptions {
  readonly accountPolicy?: string | undefined;
  readonly keyPolicy?: string | undefined;
  readonly ip: string;
  readonly vpcId?: string | undefined;
  readonly temporary?: boolean | undefined;
  readonly service?: string | undefined;
  readonly exemptServices?: readonly string[] | undefined;
  readonly limits?: PolicyLimits | undefined;
}

/** 0 allowed, 3 denied, 1 the input itself is wrong (nothing was decided). */
export interface PolicyCheckOutcome {
  readonly exitCode: 0 | 1 | 3;
  readonly output: string;
}

interface InputError {
  readonly code: string;
  readonly message: string;
  readonly problems?: readonly PolicyProblem[];
}

// The CLI checks one key of one account; the IDs only have to be consistent with each other.
const ACCOUNT = 'cli-account';
const KEY = 'cli-access-key';
const DEFAULT_SERVICE = 'ims';

const print = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const refuse = (error: InputError): PolicyCheckOutcome => ({ exitCode: 1, output: print({ error }) });

async function loadPolicy(
  path: string | undefined,
  option: string,
  limits: PolicyLimits,
): Promise<{ policy: AccessKeyPolicy | null } | { error: InputError }> {
  if (path === undefined) return { policy: null };
  const read = await readPolicyFile(path, limits);
  if (!read.ok) return { error: { ...read.error, message: `${option}: ${read.error.message}` } };
  const parsed = parsePolicy(read.value, limits);
  if (!parsed.ok) {
    const message = `${option} ${JSON.stringify(path)} is not a valid AccessKeyPolicy`;
    return { error: { code: 'InvalidParameter.AccessKeyPolicy', message, problems: parsed.errors } };
  }
  return { policy: parsed.policy };
}

type EntryOf = (
  scope: DecisionScope,
  statement: number,
) => { entryIndex: number | null; entry: string | null };

function describeScope(s: ScopeEvaluation, entryOf: EntryOf) {
  return {
    scope: s.scope,
    status: s.status,
    effective: s.effective,
    wouldAllow: s.wouldAllow,
    reason: s.reason,
    statement: s.statement,
    ...entryOf(s.scope, s.statement),
  };
}

/** The first entry of the matched statement containing `ip` (null when none matched). */
function entriesFor(
  ip: string,
  policies: { accessKey: AccessKeyPolicy | null; account: AccessKeyPolicy | null },
): EntryOf {
  return (scope, statement) => {
    const policy = scope === 'none' ? null : policies[scope];
    const index = policy === null || statement < 0 ? -1 : matchedEntry(policy, statement, ip);
    return index < 0
      ? { entryIndex: null, entry: null }
      : { entryIndex: index, entry: policy!.Statements[statement]!.IPList[index]! };
  };
}

/**
 * "Would this call be allowed?" for one source, under an account-level and/or AccessKey-level
 * policy read from files, with what each policy would decide on its own (Inactive ones too).
 */
export async function runPolicyCheck(options: PolicyCheckOptions): Promise<PolicyCheckOutcome> {
  const limits = options.limits ?? DEFAULT_POLICY_LIMITS;
  const address = parseAddress(options.ip);
  if (!address.ok) return refuse({ code: address.error.code, message: `--ip: ${address.error.message}` });
  const vpcId = options.vpcId;
  if (vpcId !== undefined && !isVpcId(vpcId)) {
    return refuse({
      code: 'InvalidParameter.VpcId',
      message: `--vpc-id: ${JSON.stringify(vpcId)} is not a VPC ID`,
    });
  }
  const account = await loadPolicy(options.accountPolicy, '--account-policy', limits);
  if ('error' in account) return refuse(account.error);
  const key = await loadPolicy(options.keyPolicy, '--key-policy', limits);
  if ('error' in key) return refuse(key.error);

  const index = new DecisionIndex({ exemptServices: options.exemptServices ?? [] });
  index.setAccountPolicy(ACCOUNT, account.policy, 0);
  index.setKey(KEY, ACCOUNT, key.policy, 0);
  const credential = { accessKeyId: KEY, temporary: options.temporary === true };
  const source = { ip: options.ip, vpcId };
  const { decision, scopes } = index.explain(credential, source, options.service ?? DEFAULT_SERVICE);
  const entryOf = entriesFor(options.ip, { accessKey: key.policy, account: account.policy });
  const output = print({
    allowed: decision.allowed,
    reason: decision.reason,
    scope: decision.scope,
    statement: decision.statement,
    ...entryOf(decision.scope, decision.statement),
    source: { ip: formatAddress(address.value), vpcId: vpcId ?? null },
    scopes: scopes.map((s) => describeScope(s, entryOf)),
  });
  return { exitCode: decision.allowed ? 0 : 3, output };
}
