import { NEVER_SET_POLICY } from '../../../policy/policy-document.js';
import type { ActionDefinition } from '../../rpc/action.js';
import { ownedAccessKey, readKeyTarget } from '../support/key-target.js';
import { confirmationBody } from './support/confirmation-body.js';

/**
 * `{}` when the key's policy was never set; `PolicyVersion` 0 then. KeyFence adds `AutoRevertAt`
 * and `FirstAllowedCall` for a commit-confirmed change (confirmation-body.ts).
 */
export const getAccessKeyPolicy: ActionDefinition = {
  product: 'Ims',
  name: 'GetAccessKeyPolicy',
  ramAction: 'ram:GetAccessKeyPolicy',
  async handle(context) {
    const { caller, store } = context;
    const key = await ownedAccessKey(store, caller, readKeyTarget(context.params));
    const scope = { scope: 'accessKey', accountId: caller.accountId, accessKeyId: key.accessKeyId } as const;
    const current = await store.getPolicy(scope);
    return {
      AccessKeyId: key.accessKeyId,
      AccessKeyPolicy: current.policy ?? NEVER_SET_POLICY,
      PolicyVersion: current.version,
      ...confirmationBody(await store.getPolicyConfirmation(scope)),
    };
  },
};
