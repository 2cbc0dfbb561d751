import { formatAlibabaTime } from '../../../common/alibaba-time.js';
import { type SourceChange, simulatePolicy } from '../../../insights/simulate-policy.js';
import type { AccessKeyId } from '../../../store/index.js';
import type { ActionDefinition } from '../../rpc/action.js';
import { readAccessKeyPolicy } from '../ims/support/policy-parameter.js';
import { optionalText } from '../support/params.js';
import { scopeRollups } from './support/scope-rollups.js';
import { readTimeWindow } from './support/time-window.js';

/** Said in every answer: the rollups hold permanent keys only, and the decision never restricts STS. */
const STS_NOTE = 'STS (temporary) credentials are never restricted by network ACLs and are not simulated.';

/**
 * What a candidate policy for the account, or for one AccessKey, would change for the traffic of
 * a window (docs/server.md): per affected key, the sources whose calls would be newly denied or
 * newly allowed, from the key-source rollups of the UTC days the window touches. The candidate
 * is validated as SetAccessKeyPolicy validates it (same errors); nothing is written.
 */
export const simulateAccessKeyPolicy: ActionDefinition = {
  product: 'Keyfence',
  name: 'SimulateAccessKeyPolicy',
  ramAction: 'keyfence:SimulateAccessKeyPolicy',
  async handle(context) {
    const { caller, params, store, explain } = context;
    const accessKeyId = optionalText(params, 'AccessKeyId', { maxLength: 128 });
    const { policy } = readAccessKeyPolicy(params, context.policyLimits);
    const window = readTimeWindow(params, context.now(), context.auditRetentionDays);
    const scope =
      accessKeyId === undefined
        ? ({ kind: 'account' } as const)
        : { kind: 'accessKey' as const, accessKeyId };
    // Checks the key (the caller's account's, permanent) before anything else is read.
    const traffic = await scopeRollups(store, caller, scope, window.start, window.end);
    const keys =
      accessKeyId === undefined
        ? await store.listAccessKeys(caller.accountId)
        : // An AccessKey ID: scopeRollups refused anything else.
          [await store.getAccessKey(caller.accountId, accessKeyId as AccessKeyId)];
    const owners = new Map(keys.map((key) => [key.accessKeyId as string, key.userName]));
    const result = await simulatePolicy({
      scope,
      candidate: policy,
      current: { explain },
      keys: keys.map((key) => key.accessKeyId),
      traffic,
      exemptServices: context.exemptServices,
      maxSources: context.simulateMaxSources,
    });
    return {
      StartTime: formatAlibabaTime(window.start),
      EndTime: formatAlibabaTime(window.end),
      AffectedKeys: result.affectedKeys,
      KeysWithoutTraffic: result.keysWithoutTraffic,
      ScannedSources: result.scannedSources,
      Truncated: result.truncated,
      NewlyDeniedCalls: result.newlyDeniedCalls,
      NewlyAllowedCalls: result.newlyAllowedCalls,
      ExcludedServices: [...context.exemptServices].sort(),
      Note: STS_NOTE,
      Keys: result.keys.map((key) => {
        const owner = owners.get(key.accessKeyId);
        return {
          AccessKeyId: key.accessKeyId,
          ...(owner === null || owner === undefined ? {} : { UserName: owner }),
          NewlyDeniedCalls: key.newlyDeniedCalls,
          NewlyAllowedCalls: key.newlyAllowedCalls,
          NewlyDenied: key.newlyDenied.map(changeBody),
          NewlyAllowed: key.newlyAllowed.map(changeBody),
        };
      }),
    };
  },
};

function changeBody(change: SourceChange): Record<string, unknown> {
  return {
    SourceIp: change.sourceIp,
    ...(change.vpcId === null ? {} : { VpcId: change.vpcId }),
    Calls: change.calls,
    LastSeen: formatAlibabaTime(change.lastSeen),
    Services: change.services,
  };
}
