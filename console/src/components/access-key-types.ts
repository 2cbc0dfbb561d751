/** One row of IMS ListAccessKeys (`AccessKeys.AccessKey[]`): never a secret. */
export interface AccessKeyRow {
  readonly AccessKeyId: string;
  readonly Status: 'Active' | 'Inactive';
  readonly CreateDate: string;
  readonly UpdateDate: string;
}

export interface ListAccessKeysAnswer {
  readonly AccessKeys: { readonly AccessKey: readonly AccessKeyRow[] };
}

/** CreateAccessKey's answer: the only response that ever carries a secret. */
export interface CreatedAccessKey {
  readonly AccessKeyId: string;
  readonly AccessKeySecret: string;
  readonly Status: string;
  readonly CreateDate: string;
}

export interface CreateAccessKeyAnswer {
  readonly AccessKey: CreatedAccessKey;
}

export interface AccessKeyLastUsedAnswer {
  readonly AccessKeyLastUsed: { readonly LastUsedDate?: string; readonly ServiceName?: string };
}

/** GetAccessKeyPolicy / GetAccessKeyPolicyForAccount: the document as a JSON string, `{}` when never set. */
export interface AccessKeyPolicyAnswer {
  readonly AccessKeyPolicy: string;
  readonly PolicyVersion: number;
}

/** Whose keys a table shows: a RAM user (by principal name) or, without one, the root identity. */
export interface AccessKeyOwner {
  readonly userName?: string;
  readonly principalName?: string;
}
