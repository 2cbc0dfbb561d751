import { formatAlibabaTime } from '../../../common/alibaba-time.js';
import type { ActionDefinition } from '../../rpc/action.js';
import { keyOwner, readPrincipalName } from '../support/key-target.js';

/** The owner's keys, never their secrets, under IMS's double wrapping `AccessKeys.AccessKey[]`. */
export const listAccessKeys: ActionDefinition = {
  product: 'Ims',
  name: 'ListAccessKeys',
  ramAction: 'ram:ListAccessKeys',
  async handle(context) {
    const { caller, store } = context;
    const owner = await keyOwner(store, caller, readPrincipalName(context.params));
    const keys = await store.listAccessKeys(caller.accountId, { owner });
    return {
      AccessKeys: {
        AccessKey: keys.map((key) => ({
          AccessKeyId: key.accessKeyId,
          Status: key.status,
          CreateDate: formatAlibabaTime(key.createdAt),
          UpdateDate: formatAlibabaTime(key.updatedAt),
        })),
      },
    };
  },
};
