import type { ActionDefinition } from '../../rpc/action.js';
import { actorOf } from '../support/principal.js';
import { readAutoRevertAt } from './support/auto-revert-parameter.js';
import { readEntryDescriptions } from './support/entry-descriptions-parameter.js';
import { readExpectedPolicyVersion } from './support/expected-policy-version.js';
import { readAccessKeyPolicy, warningsBody } from './support/policy-parameter.js';

/**
 * The account-level network ACL, which applies to every key of the account without an Active
 * key-level policy. No SDK models this action or its Get; the parameters follow the key-level
 * pair (`ExpectedPolicyVersion`, `EntryDescriptions` and `AutoRevertSeconds` included).
 */
export const setAccessKeyPolicyForAccount: ActionDefinition = {
  product: 'Ims',
  name: 'SetAccessKeyPolicyForAccount',
  ramAction: 'ram:SetAccessKeyPolicyForAccount',
  async handle(context) {
    const { caller } = context;
    const accepted = readAccessKeyPolicy(context.params, context.policyLimits);
    const expectedVersion = readExpectedPolicyVersion(context.params);
    const entryMetadata = readEntryDescriptions(context.params, accepted.policy, context.policyLimits);
    const autoRevertAt = readAutoRevertAt(context.params, context.now());
    const set = await context.write(async (tx) => {
      const scope = { scope: 'account', accountId: caller.accountId } as const;
      context.guardLockout({ kind: 'account' }, accepted.policy);
      return tx.setPolicy(scope, accepted.canonical, {
        actor: actorOf(caller),
        expectedVersion,
        ...(entryMetadata === undefined ? {} : { entryMetadata }),
        ...(autoRevertAt === undefined ? {} : { autoRevertAt }),
      });
    });
    return {
      AccessKeyPolicy: set.policy,
      PolicyVersion: set.version,
      ...(autoRevertAt === undefined ? {} : { AutoRevertAt: new Date(autoRevertAt).toISOString() }),
      ...warningsBody(accepted.warnings),
    };
  },
};
