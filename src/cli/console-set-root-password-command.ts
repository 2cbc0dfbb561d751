import { hashPassword, PasswordError } from '../auth/password-hash.js';
import { type AccountId, isAccountId, type KeyFenceStore } from '../store/index.js';
import { hostAuditEvent } from './host-audit-event.js';
import { type CommandResult, describeError } from './init-command.js';
import { type LocalStoreOptions, openLocalStore } from './open-local-store.js';

export interface SetRootPasswordOptions extends LocalStoreOptions {
  readonly account?: string | undefined;
  /** The new password: standard input, one trailing line break dropped. */
  readonly input: string;
}

const command = 'keyfence console set-root-password';

/**
 * `keyfence console set-root-password` (docs/cli.md): sets the root identity's console password
 * straight in the store, ends root's console sessions and records a `ConsoleOperation` audit
 * event, all in one transaction. The break-glass way in, and the scripted way to set the first
 * password.
 */
export async function runSetRootPassword(options: SetRootPasswordOptions): Promise<CommandResult> {
  const fail = (message: string): CommandResult => ({
    exitCode: 1,
    stdout: '',
    stderr: `${command}: ${message}\n`,
  });
  if (options.account !== undefined && !isAccountId(options.account)) {
    return fail('--account: expected an account ID, 16 digits');
  }
  const password = options.input.replace(/\r?\n$/, '');
  let passwordHash: string;
  try {
    passwordHash = await hashPassword(password);
  } catch (error) {
    if (error instanceof PasswordError) return fail(`${error.message} (read from standard input)`);
    throw error;
  }
  let store: KeyFenceStore;
  try {
    store = await openLocalStore(options);
  } catch (error) {
    return fail(describeError(error));
  }
  try {
    const accountId = await chooseAccount(store, options.account as AccountId | undefined);
    if (typeof accountId !== 'string') return fail(accountId.problem);
    await store.write(async (tx) => {
      const set = await tx.setRootConsolePassword(accountId, passwordHash);
      await tx.deleteConsoleSessionsOf(accountId, { type: 'root' });
      await tx.appendAuditEvent(hostAuditEvent(accountId, 'SetRootConsolePassword', set.updatedAt));
    });
    return {
      exitCode: 0,
      stdout: `The root console password of account ${accountId} is set; its console sessions have ended.\n`,
      stderr: '',
    };
  } catch (error) {
    return fail(describeError(error));
  } finally {
    await store.close();
  }
}

/** The named account, or the store's only one. */
async function chooseAccount(
  store: KeyFenceStore,
  named: AccountId | undefined,
): Promise<AccountId | { problem: string }> {
  if (named !== undefined) return (await store.getAccount(named)).accountId;
  const accounts = await store.listAccounts({ limit: 2 });
  if (accounts.length === 1) return accounts[0]!.accountId;
  return {
    problem:
      accounts.length === 0
        ? 'the store has no account (run keyfence init)'
        : 'the store has several accounts; name one with --account',
  };
}
