import { PRODUCTS } from '../request/product.js';
import { type ApiReply, callApi, credentialsFrom, endpointUrl } from './api-call.js';
import type { CommandResult } from './init-command.js';
import { readPolicyFileToSend } from './read-policy-file.js';

export type CandidateOperation = 'set' | 'get' | 'delete' | 'promote';

export interface PolicyCandidateOptions {
  readonly operation: CandidateOperation;
  readonly endpoint?: string | undefined;
  /** One permanent AccessKey's candidate; absent: the account's. */
  readonly key?: string | undefined;
  /** `set`: the candidate AccessKeyPolicy document. */
  readonly file?: string | undefined;
  /** `promote`: the PolicyVersion the enforced policy must still be at. */
  readonly expectedVersion?: string | undefined;
  /** `promote`: set it even if it would deny this very call (the lockout guard). */
  readonly ignoreLockoutCheck?: boolean | undefined;
  readonly json?: boolean | undefined;
  /** Where the credentials are read from (the standard Alibaba variables). */
  readonly env: NodeJS.ProcessEnv;
}

const ACTIONS: Readonly<Record<CandidateOperation, string>> = {
  set: 'SetAccessKeyPolicyCandidate',
  get: 'GetAccessKeyPolicyCandidate',
  delete: 'DeleteAccessKeyPolicyCandidate',
  promote: 'PromoteAccessKeyPolicyCandidate',
};

/**
 * `keyfence policy candidate set|get|delete|promote --endpoint URL [--key ID]`: a scope's
 * report-only candidate on a KeyFence server (docs/server.md, "Report-only candidates"). A line
 * or two for people, or with `--json` the server's answer as it is; exit 0, or 1 on any refusal.
 */
export async function runPolicyCandidate(options: PolicyCandidateOptions): Promise<CommandResult> {
  const command = `keyfence policy candidate ${options.operation}`;
  const fail = (message: string): CommandResult => ({
    exitCode: 1,
    stdout: '',
    stderr: `${command}: ${message}\n`,
  });
  if (options.endpoint === undefined) return fail('--endpoint is required');
  const endpoint = endpointUrl(options.endpoint);
  if (typeof endpoint === 'string') return fail(endpoint);
  const params = await candidateParams(options);
  if (typeof params === 'string') return fail(params);
  const credentials = credentialsFrom(options.env);
  if (typeof credentials === 'string') return fail(credentials);

  let reply: ApiReply;
  try {
    reply = await callApi({
      endpoint,
      credentials,
      action: ACTIONS[options.operation],
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
  return { exitCode: 0, stdout: describe(options.operation, body), stderr: '' };
}

async function candidateParams(options: PolicyCandidateOptions): Promise<Record<string, string> | string> {
  const { operation } = options;
  if (operation !== 'set' && options.file !== undefined) return `--file is for set, not ${operation}`;
  if (operation !== 'promote' && (options.expectedVersion !== undefined || options.ignoreLockoutCheck)) {
    return `--expected-version and --ignore-lockout-check are for promote, not ${operation}`;
  }
  const params: Record<string, string> = options.key === undefined ? {} : { UserAccessKeyId: options.key };
  if (operation === 'set') {
    if (options.file === undefined) return 'set needs --file, the candidate AccessKeyPolicy document';
    // The server validates the document, against its own limits.
    const read = await readPolicyFileToSend(options.file);
    if (!read.ok) return `${read.error.code}: ${read.error.message}`;
    params.AccessKeyPolicy = read.value;
  }
  if (options.expectedVersion !== undefined) params.ExpectedPolicyVersion = options.expectedVersion;
  if (options.ignoreLockoutCheck) params.IgnoreLockoutCheck = 'true';
  return params;
}

function describe(operation: CandidateOperation, body: Record<string, unknown>): string {
  const scope = body.AccessKeyId === undefined ? 'the account' : `AccessKey ${String(body.AccessKeyId)}`;
  const warnings = Array.isArray(body.Warnings)
    ? body.Warnings.map(
        (w: { Code?: unknown; Message?: unknown }) => `warning [${String(w.Code)}] ${String(w.Message)}`,
      )
    : [];
  const lines: string[] = [];
  switch (operation) {
    case 'set':
      lines.push(
        `Candidate staged for ${scope} (version ${String(body.CandidateVersion)}): report-only, nothing enforced changed`,
      );
      break;
    case 'get':
      lines.push(
        `Candidate for ${scope} (version ${String(body.CandidateVersion)}; the enforced policy is at version ${String(body.PolicyVersion)})`,
        JSON.stringify(JSON.parse(String(body.AccessKeyPolicy)), null, 2),
      );
      break;
    case 'delete':
      lines.push(
        `Candidate of ${scope} deleted (version ${String(body.CandidateVersion)}); the enforced policy is unchanged`,
      );
      break;
    case 'promote':
      lines.push(`Candidate of ${scope} promoted: enforced as policy version ${String(body.PolicyVersion)}`);
      break;
  }
  return `${[...lines, ...warnings].join('\n')}\n`;
}
