import type { ActionDefinition } from '../../rpc/action.js';
import { ownedAccessKey, readKeyTarget } from '../support/key-target.js';
import { actorOf } from '../support/principal.js';

/** The key's network ACL policy goes with it; the policy history records the removal. */
export const deleteAccessKey: ActionDefinition = {
  product: 'Ims',
  name: 'DeleteAccessKey',
  ramAction: 'ram:DeleteAccessKey',
  async handle(context) {
    const { caller } = context;
    const target = readKeyTarget(context.params);
    await context.write(async (tx) => {
      const key = await ownedAccessKey(tx, caller, target);
      await tx.deleteAccessKey(caller.accountId, key.accessKeyId, { actor: actorOf(caller) });
    });
    return {};
  },
};
