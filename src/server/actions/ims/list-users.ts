import { isUserName } from '../../../store/index.js';
import { invalidParameter } from '../../errors/api-error.js';
import type { ActionDefinition } from '../../rpc/action.js';
import { optionalEnum, optionalInteger, optionalText } from '../support/params.js';
import { userBody } from './support/user-body.js';

const defaultMaxItems = 100;

/**
 * IMS ListUsers, in name order. `Marker` is the name of the last user of the previous page, so
 * paging is stable while users are added. KeyFence users cannot be disabled: all are Active.
 */
export const listUsers: ActionDefinition = {
  product: 'Ims',
  name: 'ListUsers',
  ramAction: 'ram:ListUsers',
  async handle(context) {
    const { params, caller, store } = context;
    const marker = optionalText(params, 'Marker', { maxLength: 64 });
    if (marker !== undefined && !isUserName(marker)) {
      throw invalidParameter('Marker', 'it must be the Marker of a previous response.');
    }
    const maxItems = optionalInteger(params, 'MaxItems', { min: 1, max: 1000 }) ?? defaultMaxItems;
    const status = optionalEnum(params, 'Status', ['Active', 'Inactive'] as const);
    const page =
      status === 'Inactive'
        ? []
        : await store.listUsers(caller.accountId, { after: marker, limit: maxItems + 1 });
    const users = page.slice(0, maxItems);
    const truncated = page.length > maxItems;
    return {
      IsTruncated: truncated,
      ...(truncated ? { Marker: users.at(-1)!.userName } : {}),
      Users: { User: users.map((user) => ({ ...userBody(user), Status: 'Active' })) },
    };
  },
};
