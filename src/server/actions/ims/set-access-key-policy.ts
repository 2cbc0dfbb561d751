import type { ActionDefinition } from '../../rpc/action.js';
import { ownedAccessKey, readKeyTarget } from '../support/key-target.js';
import { actorOf } from '../support/principal.js';
import { readAutoRevertAt } from './support/auto-revert-parameter.js';
import { readEntryDescriptions } from './support/entry-descriptions-parameter.js';
import { readExpectedPolicyVersion } from './support/expected-policy-version.js';
import { readAccessKeyPolicy, warningsBody } from './support/policy-parameter.js';

/**
 * Sets one AccessKey's network ACL. Answers with the stored canonical document and, as
 * `PolicyVersion`, the change's version: once a node enforces that version, it enforces this.
 * With `ExpectedPolicyVersion`, only if the key's policy is still at that version. KeyFence's
 * `EntryDescriptions` sets the entries' descriptions and parked entries in the same change;
 * `AutoRevertSeconds` makes it commit-confirmed.
 */
export const setAccessKeyPolicy: ActionDefinition = {
  product: 'Ims',
  name: 'SetAccessKeyPolicy',
  ramAction: 'ram:SetAccessKeyPolicy',
  async handle(context) {
    const { caller } = context;
    const target = readKeyTarget(context.params);
    const accepted = readAccessKeyPolicy(context.params, context.policyLimits);
    const expectedVersion = readExpectedPolicyVersion(context.params);
    const entryMetadata = readEntryDescriptions(context.params, accepted.policy, context.policyLimits);
    const autoRevertAt = readAutoRevertAt(context.params, context.now());
    const { accessKeyId, set } = await context.write(async (tx) => {
      const key = await ownedAccessKey(tx, caller, target);
      const scope = {
        scope: 'accessKey',
        accountId: caller.accountId,
        accessKeyId: key.accessKeyId,
      } as const;
      context.guardLockout({ kind: 'accessKey', accessKeyId: key.accessKeyId }, accepted.policy);
      return {
        accessKeyId: key.accessKeyId,
        set: await tx.setPolicy(scope, accepted.canonical, {
          actor: actorOf(caller),
          expectedVersion,
          ...(entryMetadata === undefined ? {} : { entryMetadata }),
          ...(autoRevertAt === undefined ? {} : { autoRevertAt }),
        }),
      };
    });
    return {
      AccessKeyId: accessKeyId,
      AccessKeyPolicy: set.policy,
      PolicyVersion: set.version,
      ...(autoRevertAt === undefined ? {} : { AutoRevertAt: new Date(autoRevertAt).toISOString() }),
      ...warningsBody(accepted.warnings),
    };
  },
};
