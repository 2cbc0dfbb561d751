/** Why a decision came out the way it did; stored in the audit log, so the strings are stable. */
export type DecisionReason =
  | 'exempt-service'
  | 'temporary-credential'
  | 'no-active-policy'
  | 'public-ip-allowed'
  | 'vpc-allowed'
  | 'no-public-statement'
  | 'no-vpc-statement'
  | 'public-ip-not-allowed'
  | 'vpc-not-allowed'
  | 'invalid-source-address'
  | 'unknown-access-key';

/** The scope whose policy decided: an AccessKey-level policy, the account-level one, or neither. */
export type DecisionScope = 'accessKey' | 'account' | 'none';

export interface Decision {
  readonly allowed: boolean;
  readonly reason: DecisionReason;
  readonly scope: DecisionScope;
  /** Index in the deciding policy's `Statements` of the statement that matched, or -1. */
  readonly statement: number;
  /** Change-log version at which the deciding policy was set; 0 when no policy decided. */
  readonly policyVersion: number;
}

export interface Credential {
  readonly accessKeyId: string;
  /** STS credentials are never restricted by network ACLs. */
  readonly temporary: boolean;
}

export interface Source {
  /** The client address as text, exactly as resolved from the connection (strictly parsed). */
  readonly ip: string;
  /** Set when the request arrived from a VPC; absent for public-network requests. */
  readonly vpcId?: string | undefined;
}
