import { decodeEntryMetadata } from '../../../policy/entry-metadata.js';
import type { ActionDefinition } from '../../rpc/action.js';
import { readCandidateKey, resolveCandidateScope, scopeBody } from './support/candidate-scope.js';

/**
 * The scope's entry descriptions and parked entries (docs/server.md, "Entry descriptions and
 * parked entries"), with the `PolicyVersion` they go with: never part of the document
 * `GetAccessKeyPolicy*` answers. `UserAccessKeyId` names a key's; absent, the account's.
 */
export const getAccessKeyPolicyDescriptions: ActionDefinition = {
  product: 'Keyfence',
  name: 'GetAccessKeyPolicyDescriptions',
  ramAction: 'keyfence:GetAccessKeyPolicyDescriptions',
  async handle({ caller, params, store }) {
    const { scope } = await resolveCandidateScope(store, caller, readCandidateKey(params));
    const { entryMetadata, policyVersion } = await store.getEntryMetadata(scope);
    return {
      ...scopeBody(scope),
      PolicyVersion: policyVersion,
      Entries: decodeEntryMetadata(entryMetadata).map((m) => ({ ...m, Parked: m.Parked === true })),
    };
  },
};
