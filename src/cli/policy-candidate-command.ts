import type { CommandResult } from './init-command.js';
import { readPolicyFileToSend } from './read-policy-file.js';
import { type RemoteOptions, runOneCallCommand } from './remote-command.js';

export type CandidateOperation = 'set' | 'get' | 'delete' | 'promote';

export interface PolicyCandidateOptions extends RemoteOptions {
  readonly operation: CandidateOperation;
  /** One permanent AccessKey's candidate; absent: the account's. */
  readonly key?: string | undefined;
  /** `set`: the candidate AccessKeyPolicy document. */
  readonly file?: string | undefined;
  /** `promote`: the PolicyVersion the enforced policy must still be at. */
  readonly expectedVersion?: string | undefined;
  /** `promote`: set it even if it would deny this very call (the lockout guard). */
  readonly ignoreLockoutCheck?: boolean | undefined;
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
export function runPolicyCandidate(options: PolicyCandidateOptions): Promise<CommandResult> {
  return runOneCallCommand({
    command: `keyfence policy candidate ${options.operation}`,
    options,
    action: ACTIONS[options.operation],
    read: () => candidateParams(options),
    report: (body) => describe(options.operation, body),
  });
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
    // The server validates the document; the file is only read within the size a document may have.
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
