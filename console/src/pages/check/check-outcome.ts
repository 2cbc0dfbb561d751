import type { AccessKeyPolicy } from '@keyfence/policy/policy-document.js';

/** What one evaluation says, whichever way it was made (the server's answer or the browser's). */
export interface CheckOutcome {
  /** What was evaluated: "Policies in force", "Account-level policy (Disabled)", "The draft"… */
  readonly label: string;
  readonly allowed: boolean;
  readonly reason: string;
  /** `AccessKey`, `Account` or `None`, as CheckAccessKeyAccess names scopes. */
  readonly scope: string;
  readonly statementIndex: number | null;
  readonly entryIndex: number | null;
  readonly entry: string | null;
  /** The change-log version the deciding policy was set at; 0 when none decided; null for a draft. */
  readonly policyVersion: number | null;
  /** The deciding policy's document, to show with the entry highlighted. */
  readonly policy: AccessKeyPolicy | null;
}

/** The fields of CheckAccessKeyAccess's answer the page reads (docs/server.md). */
export interface CheckAnswer {
  readonly AccessKeyId: string;
  readonly SourceIp: string;
  readonly VpcId?: string;
  readonly Service?: string;
  readonly Allowed: boolean;
  readonly Reason: string;
  readonly Scope: string;
  readonly StatementIndex: number | null;
  readonly EntryIndex: number | null;
  readonly Entry: string | null;
  readonly PolicyVersion: number;
  readonly Scopes: readonly {
    readonly Scope: string;
    readonly Status: string;
    readonly PolicyVersion: number;
    readonly Effective: boolean;
    readonly Allowed: boolean;
    readonly Reason: string;
    readonly StatementIndex: number | null;
    readonly EntryIndex: number | null;
    readonly Entry: string | null;
  }[];
  readonly RecordedCall?: {
    readonly RequestId: string;
    readonly EventTime: string;
    readonly Allowed: boolean | null;
    readonly Reason: string | null;
    readonly Scope: string | null;
    readonly StatementIndex: number | null;
    readonly PolicyVersion: number | null;
  };
}

/** The scope names the decision code uses, as the API names them. */
export const SCOPE_NAMES: Readonly<Record<string, string>> = {
  accessKey: 'AccessKey',
  account: 'Account',
  none: 'None',
};
