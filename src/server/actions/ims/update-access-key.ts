import type { ActionDefinition } from '../../rpc/action.js';
import { ownedAccessKey, readKeyTarget } from '../support/key-target.js';
import { requiredEnum } from '../support/params.js';

export const updateAccessKey: ActionDefinition = {
  product: 'Ims',
  name: 'UpdateAccessKey',
  ramAction: 'ram:UpdateAccessKey',
  async handle(context) {
    const { caller } = context;
    const target = readKeyTarget(context.params);
    const status = requiredEnum(context.params, 'Status', ['Active', 'Inactive'] as const);
    await context.write(async (tx) => {
      const key = await ownedAccessKey(tx, caller, target);
      await tx.updateAccessKey(caller.accountId, key.accessKeyId, { status });
    });
    return {};
  },
};
