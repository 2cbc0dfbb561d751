import type { ActionDefinition } from '../../rpc/action.js';
import { securityPreferenceBody } from './support/security-preference-body.js';

/** IMS GetSecurityPreference: the defaults while the account never set one. */
export const getSecurityPreference: ActionDefinition = {
  product: 'Ims',
  name: 'GetSecurityPreference',
  ramAction: 'ram:GetSecurityPreference',
  async handle(context) {
    return securityPreferenceBody(await context.store.securityPreference(context.caller.accountId));
  },
};
