import { formatAlibabaTime } from '../../../common/alibaba-time.js';
import { type CanonicalEntryMetadataJson, decodeEntryMetadata } from '../../../policy/entry-metadata.js';
import type { PolicyChange } from '../../../store/index.js';
import { invalidParameter } from '../../errors/api-error.js';
import type { ActionDefinition } from '../../rpc/action.js';
import { optionalInteger, type Params } from '../support/params.js';
import { readCandidateKey, resolveCandidateScope, scopeBody } from './support/candidate-scope.js';

const DEFAULT_MAX_RESULTS = 20;
const MAX_RESULTS = 100;
// A policy version, as the previous page's last entry names it.
const tokenShape = /^[1-9][0-9]{0,14}$/;

/**
 * Every change of a scope's policy, newest first, from the store's policy history: the version
 * it committed, when and by whom, the document and entry descriptions before and after it, and
 * the version a rollback restored (docs/server.md). `UserAccessKeyId` names a key's; absent, the
 * account's. A page ends at `MaxResults`; `NextToken` continues below its last version.
 */
export const listAccessKeyPolicyHistory: ActionDefinition = {
  product: 'Keyfence',
  name: 'ListAccessKeyPolicyHistory',
  ramAction: 'keyfence:ListAccessKeyPolicyHistory',
  async handle({ caller, params, store }) {
    const maxResults =
      optionalInteger(params, 'MaxResults', { min: 1, max: MAX_RESULTS }) ?? DEFAULT_MAX_RESULTS;
    const beforeVersion = readToken(params);
    const { scope } = await resolveCandidateScope(store, caller, readCandidateKey(params));
    const rows = await store.listPolicyHistory(scope, {
      ...(beforeVersion === undefined ? {} : { beforeVersion }),
      limit: maxResults + 1,
    });
    const page = rows.slice(0, maxResults);
    return {
      ...scopeBody(scope),
      Versions: page.map(versionBody),
      NextToken: rows.length > maxResults ? String(page.at(-1)!.version) : '',
    };
  },
};

function readToken(params: Params): number | undefined {
  const text = params.NextToken;
  if (text === undefined || text === '') return undefined;
  if (!tokenShape.test(text)) {
    throw invalidParameter('NextToken', 'it must be the NextToken of a previous response.');
  }
  return Number(text);
}

function versionBody(change: PolicyChange): Record<string, unknown> {
  return {
    PolicyVersion: change.version,
    ChangedAt: formatAlibabaTime(change.at),
    ChangedBy: change.actor,
    // Absent after a change that deleted the policy (its key was deleted), and before the first.
    ...(change.after === null ? {} : { AccessKeyPolicy: change.after }),
    ...(change.before === null ? {} : { PreviousAccessKeyPolicy: change.before }),
    ...(change.rolledBackTo === null ? {} : { RolledBackTo: change.rolledBackTo }),
    EntryDescriptions: entries(change.entryMetadataAfter),
    PreviousEntryDescriptions: entries(change.entryMetadataBefore),
  };
}

// The shape GetAccessKeyPolicyDescriptions answers.
const entries = (stored: CanonicalEntryMetadataJson | null) =>
  decodeEntryMetadata(stored).map((m) => ({ ...m, Parked: m.Parked === true }));
