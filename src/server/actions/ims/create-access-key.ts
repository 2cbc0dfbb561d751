import { formatAlibabaTime } from '../../../common/alibaba-time.js';
import type { ActionDefinition } from '../../rpc/action.js';
import { keyOwner, readPrincipalName } from '../support/key-target.js';

/** The secret is in this response only. A RAM user may have 2 keys (`LimitExceeded.User.AccessKey`). */
export const createAccessKey: ActionDefinition = {
  product: 'Ims',
  name: 'CreateAccessKey',
  ramAction: 'ram:CreateAccessKey',
  async handle(context) {
    const { caller } = context;
    const principalName = readPrincipalName(context.params);
    const key = await context.write(async (tx) => {
      const userName = await keyOwner(tx, caller, principalName);
      return tx.createAccessKey(caller.accountId, { userName });
    });
    return {
      AccessKey: {
        AccessKeyId: key.accessKeyId,
        AccessKeySecret: key.accessKeySecret,
        Status: key.status,
        CreateDate: formatAlibabaTime(key.createdAt),
      },
    };
  },
};
