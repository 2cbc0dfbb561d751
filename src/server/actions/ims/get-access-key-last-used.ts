import { formatAlibabaTime } from '../../../common/alibaba-time.js';
import type { ActionDefinition } from '../../rpc/action.js';
import { ownedAccessKey, readKeyTarget } from '../support/key-target.js';

/** A key never used yet has an empty `AccessKeyLastUsed`. */
export const getAccessKeyLastUsed: ActionDefinition = {
  product: 'Ims',
  name: 'GetAccessKeyLastUsed',
  ramAction: 'ram:GetAccessKeyLastUsed',
  async handle(context) {
    const key = await ownedAccessKey(context.store, context.caller, readKeyTarget(context.params));
    const { lastUsed } = key;
    return {
      AccessKeyLastUsed:
        lastUsed === null
          ? {}
          : { LastUsedDate: formatAlibabaTime(lastUsed.at), ServiceName: lastUsed.service },
    };
  },
};
