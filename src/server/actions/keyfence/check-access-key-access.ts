import type { Caller } from '../../../request/caller.js';
import { isAccessKeyId, isStoreError, isTemporaryAccessKeyId, StoreError } from '../../../store/index.js';
import type { ActionDefinition, StoreView } from '../../rpc/action.js';
import { checkedCallBody, explanationBody, recordedCallBody } from './support/access-check-body.js';
import { readAccessCheckRequest } from './support/access-check-request.js';
import { explainedStatements, matchedEntries } from './support/matched-entries.js';
import { recordedCall } from './support/recorded-call.js';

/**
 * "Check an IP": what this node decides now for one of the caller's account's AccessKeys from a
 * source (`AccessKeyId`, `SourceIp`, `VpcId`, optionally the `Service` code to decide under), or
 * for the call a `RequestId` names, re-decided from what its audit event recorded (and shown in
 * `RecordedCall` as it was decided then). Read from the node's decision index: the answer is what
 * this node enforces, so it agrees with a call made now from that source. A key of another
 * account is answered like one that does not exist.
 */
export const checkAccessKeyAccess: ActionDefinition = {
  product: 'Keyfence',
  name: 'CheckAccessKeyAccess',
  ramAction: 'keyfence:CheckAccessKeyAccess',
  async handle({ caller, params, store, explain, now }) {
    const request = readAccessCheckRequest(params);
    if (request.kind === 'source') {
      const { accessKeyId, source, service } = request;
      const temporary = await accountKeyKind(store, caller, accessKeyId);
      const explained = await explain({ accessKeyId, temporary }, source, service);
      const entries = await matchedEntries(
        store,
        caller.accountId,
        accessKeyId,
        source,
        explainedStatements(explained),
      );
      return {
        ...checkedCallBody(accessKeyId, source, service),
        ...explanationBody(explained, entries),
      };
    }
    const call = await recordedCall(store, caller.accountId, request.requestId, now());
    const { accessKeyId, source, service } = call;
    // The event proves the key was the account's; a temporary one may have expired and gone since.
    const temporary =
      isTemporaryAccessKeyId(accessKeyId) || (await accountKeyKind(store, caller, accessKeyId));
    const explained = await explain({ accessKeyId, temporary }, source, service);
    const matched = explainedStatements(explained);
    if (call.decision !== null) matched.push(call.decision);
    const entries = await matchedEntries(store, caller.accountId, accessKeyId, source, matched);
    return {
      ...checkedCallBody(accessKeyId, source, service),
      ...explanationBody(explained, entries),
      RecordedCall: recordedCallBody(call, entries),
    };
  },
};

/**
 * Whether `accessKeyId` is one of the caller's account's temporary (true) or permanent (false)
 * keys; `EntityNotExist.User.AccessKey` for anything else, another account's keys included.
 */
async function accountKeyKind(store: StoreView, caller: Caller, accessKeyId: string): Promise<boolean> {
  const unknown = () => new StoreError('EntityNotExist.User.AccessKey', accessKeyId);
  if (isAccessKeyId(accessKeyId)) {
    await store.getAccessKey(caller.accountId, accessKeyId);
    return false;
  }
  if (!isTemporaryAccessKeyId(accessKeyId)) throw unknown();
  try {
    const credential = await store.getTemporaryCredential(accessKeyId);
    if (credential.accountId !== caller.accountId) throw unknown();
  } catch (error) {
    if (isStoreError(error, 'EntityNotExist.TemporaryCredential')) throw unknown();
    throw error;
  }
  return true;
}
