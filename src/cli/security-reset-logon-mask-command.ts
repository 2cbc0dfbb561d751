import { isAccountId, type KeyFenceStore } from '../store/index.js';
import { hostAuditEvent } from './host-audit-event.js';
import { type CommandResult, describeError } from './init-command.js';
import { type LocalStoreOptions, openLocalStore } from './open-local-store.js';

export interface ResetLogonMaskOptions extends LocalStoreOptions {
  readonly account: string;
}

const command = 'keyfence security reset-logon-mask';

/**
 * `keyfence security reset-logon-mask` (docs/cli.md): clears the account's logon mask straight
 * in the store, so the console can be reached from any network again, with a
 * `ConsoleOperation` audit event in the same transaction. The recovery from a mask that locks
 * everyone out.
 */
export async function runResetLogonMask(options: ResetLogonMaskOptions): Promise<CommandResult> {
  const fail = (message: string): CommandResult => ({
    exitCode: 1,
    stdout: '',
    stderr: `${command}: ${message}\n`,
  });
  const accountId = options.account;
  if (!isAccountId(accountId)) return fail('--account: expected an account ID, 16 digits');
  let store: KeyFenceStore;
  try {
    store = await openLocalStore(options);
  } catch (error) {
    return fail(describeError(error));
  }
  try {
    const previous = await store.write(async (tx) => {
      const current = await tx.securityPreference(accountId);
      await tx.setSecurityPreference(accountId, { ...current, loginNetworkMasks: '' });
      await tx.appendAuditEvent(hostAuditEvent(accountId, 'ResetLogonMask', new Date()));
      return current.loginNetworkMasks;
    });
    const was = previous === '' ? 'it had none' : `it was ${previous}`;
    return {
      exitCode: 0,
      stdout: `The logon mask of account ${accountId} is cleared: the console accepts any network (${was}).\n`,
      stderr: '',
    };
  } catch (error) {
    return fail(describeError(error));
  } finally {
    await store.close();
  }
}
