import type { Caller } from '../../../../request/caller.js';
import {
  isAccessKeyId,
  isTemporaryAccessKeyId,
  type KeySourceRollup,
  StoreError,
} from '../../../../store/index.js';
import { invalidParameter } from '../../../errors/api-error.js';
import type { StoreView } from '../../../rpc/action.js';
import { userByPrincipalName } from '../../support/key-target.js';
import type { SourcesScope } from './sources-request.js';

/**
 * The rollups of `scope` over the UTC days `from`'s to `to`'s. A key must be one of the caller's
 * account's permanent keys (another account's is answered like an unknown one); a user's are
 * the keys it holds now; the account's are every key its rollups name, deleted ones included.
 */
export async function scopeRollups(
  store: StoreView,
  caller: Caller,
  scope: SourcesScope,
  from: Date,
  to: Date,
): Promise<KeySourceRollup[]> {
  const { accountId } = caller;
  switch (scope.kind) {
    case 'account':
      return store.keySourceRollups({ accountId, from, to });
    case 'accessKey': {
      const { accessKeyId } = scope;
      if (isTemporaryAccessKeyId(accessKeyId)) {
        throw invalidParameter(
          'AccessKeyId',
          'sources are kept for permanent AccessKeys only; temporary (STS) credentials are never restricted.',
        );
      }
      if (!isAccessKeyId(accessKeyId)) throw new StoreError('EntityNotExist.User.AccessKey', accessKeyId);
      await store.getAccessKey(accountId, accessKeyId);
      return store.keySourceRollups({ accountId, accessKeyId, from, to });
    }
    case 'user': {
      const user = await userByPrincipalName(store, caller, scope.principalName);
      const keys = await store.listAccessKeys(accountId, { owner: user.userName });
      const rows = await Promise.all(
        keys.map((key) => store.keySourceRollups({ accountId, accessKeyId: key.accessKeyId, from, to })),
      );
      // Each key's rows are in (key, source, VPC) order; the listing orders them again anyway.
      return rows.flat();
    }
  }
}
