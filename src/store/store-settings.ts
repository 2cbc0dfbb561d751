import type { SecretKeeper } from './secrets/secret-keeper.js';

/** Per-deployment behaviour of an open store, fixed when it is opened. */
export interface StoreSettings {
  /** Domain suffix of user principal names: `<name>@<accountId>.<suffix>`. */
  readonly principalSuffix: string;
  readonly maxAccessKeysPerUser: number;
  readonly clock: () => Date;
  readonly secrets: SecretKeeper;
}

export const DEFAULT_PRINCIPAL_SUFFIX = 'onaliyun.com';
export const DEFAULT_MAX_ACCESS_KEYS_PER_USER = 2;
