import { formatAlibabaTime } from '../../../common/alibaba-time.js';
import type { ActionDefinition } from '../../rpc/action.js';
import { SYSTEM_POLICY_VERSION, systemPolicyDescription } from '../../rpc/system-policies.js';
import { readUserName } from './support/policy-params.js';

export const listPoliciesForUser: ActionDefinition = {
  product: 'Ram',
  name: 'ListPoliciesForUser',
  ramAction: 'ram:ListPoliciesForUser',
  async handle(context) {
    const attached = await context.store.listPoliciesForUser(
      context.caller.accountId,
      readUserName(context.params),
    );
    return {
      Policies: {
        Policy: attached.map((policy) => ({
          PolicyName: policy.policyName,
          PolicyType: policy.policyType,
          Description: systemPolicyDescription(policy.policyName),
          DefaultVersion: SYSTEM_POLICY_VERSION,
          AttachDate: formatAlibabaTime(policy.attachedAt),
        })),
      },
    };
  },
};
