import type { EntryMetadata } from './entry-metadata';

/** Which policy a panel edits: the account-level one, or one AccessKey's. */
export type PolicyScope =
  | { readonly kind: 'account' }
  | {
      readonly kind: 'accessKey';
      readonly accessKeyId: string;
      /** The RAM user owning the key; absent for the root identity's keys and the caller's own. */
      readonly userName?: string;
    };

/** What opens a panel: the scope, and optionally a prefilled draft or addresses to add. */
export interface PanelRequest {
  readonly scope: PolicyScope;
  /** An AccessKeyPolicy document (JSON) to start from instead of the stored one (Recommend, history). */
  readonly draft?: string;
  /** With `draft`: its entry descriptions and parked entries (history's Restore), instead of none. */
  readonly draftMetadata?: readonly EntryMetadata[];
  /** Entries to add to the public statement, e.g. from Check an IP's Fix (`198.51.100.7`). */
  readonly addPublic?: readonly string[];
  /** Entries to add to a VPC statement. */
  readonly addVpc?: readonly { readonly vpcId: string; readonly entries: readonly string[] }[];
  /** Marks the added entries as suggested (Suggest from history, Recommend). */
  readonly suggested?: boolean;
}
