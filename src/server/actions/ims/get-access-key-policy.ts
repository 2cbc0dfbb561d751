import { NEVER_SET_POLICY } from '../../../policy/policy-document.js';
import type { ActionDefinition } from '../../rpc/action.js';
import { ownedAccessKey, readKeyTarget } from '../support/key-target.js';

/** `{}` when the key's policy was never set; `PolicyVersion` 0 then. */
export const getAccessKeyPolicy: ActionDefinition = {
  product: 'Ims',
  name: 'GetAccessKeyPolicy',
  ramAction: 'ram:GetAccessKeyPolicy',
  async handle(context) {
    const { caller, store } = context;
    const key = await ownedAccessKey(store, caller, readKeyTarget(context.params));
    const current = await store.getPolicy({
      scope: 'accessKey',
      accountId: caller.accountId,
      accessKeyId: key.accessKeyId,
    });
    return {
      AccessKeyId: key.accessKeyId,
      AccessKeyPolicy: current.policy ?? NEVER_SET_POLICY,
      PolicyVersion: current.version,
    };
  },
};
