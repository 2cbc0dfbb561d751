import { formatAlibabaTime } from '../../../common/alibaba-time.js';
import { entryUsage } from '../../../insights/entry-usage.js';
import type { AccessKeyId, PolicyScope } from '../../../store/index.js';
import { decodeStoredPolicy } from '../../../sync/stored-policy.js';
import { policyNeverSet } from '../../errors/api-error.js';
import type { ActionDefinition } from '../../rpc/action.js';
import { optionalText } from '../support/params.js';
import { governedByAccount } from './support/governed-rollups.js';
import { scopeRollups } from './support/scope-rollups.js';
import { readTimeWindow } from './support/time-window.js';

/**
 * Per entry of the account's, or one AccessKey's, stored policy: the allowed calls of a window
 * (by default the whole retention) whose source it is the entry the policy matches, from the
 * key-source rollups of the keys the policy governs (docs/server.md). Read-only.
 */
export const getAccessKeyPolicyEntryUsage: ActionDefinition = {
  product: 'Keyfence',
  name: 'GetAccessKeyPolicyEntryUsage',
  ramAction: 'keyfence:GetAccessKeyPolicyEntryUsage',
  async handle(context) {
    const { caller, params, store, now, auditRetentionDays } = context;
    const { accountId } = caller;
    const accessKeyId = optionalText(params, 'AccessKeyId', { maxLength: 128 });
    const window = readTimeWindow(params, now(), auditRetentionDays, auditRetentionDays);
    // Checks the key (the caller's account's, permanent) before its policy is read.
    const rows = await scopeRollups(
      store,
      caller,
      accessKeyId === undefined ? { kind: 'account' } : { kind: 'accessKey', accessKeyId },
      window.start,
      window.end,
    );
    const scope: PolicyScope =
      accessKeyId === undefined
        ? { scope: 'account', accountId }
        : // An AccessKey ID: scopeRollups refused anything else.
          { scope: 'accessKey', accountId, accessKeyId: accessKeyId as AccessKeyId };
    const stored = await store.getPolicy(scope);
    if (stored.policy === null) throw policyNeverSet();
    const governed = accessKeyId === undefined ? await governedByAccount(context, rows) : rows;
    const usage = entryUsage(
      decodeStoredPolicy(stored.policy, `policy of ${accessKeyId ?? `account ${accountId}`}`),
      governed,
    );
    return {
      ...(accessKeyId === undefined ? {} : { AccessKeyId: accessKeyId }),
      StartTime: formatAlibabaTime(window.start),
      EndTime: formatAlibabaTime(window.end),
      PolicyVersion: stored.version,
      Entries: usage.entries.map((entry) => ({
        StatementIndex: entry.statement,
        Type: entry.type,
        ...(entry.value === null ? {} : { Value: entry.value }),
        Entry: entry.entry,
        Hits: entry.hits,
        Sources: entry.sources,
        ...(entry.lastHit === null ? {} : { LastHit: formatAlibabaTime(entry.lastHit) }),
      })),
      UncoveredCalls: usage.uncoveredCalls,
    };
  },
};
