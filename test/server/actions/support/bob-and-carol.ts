import type { UserName } from '../../../../src/store/index.js';
import type { CheckServer } from './check-server.js';

/**
 * New RAM users bob, with two keys, and carol, with one, in the server's account: the key IDs,
 * bob's first. Traffic spread over them tells a key's sources from a user's and the account's.
 */
export function bobAndCarolKeys(t: CheckServer): Promise<string[]> {
  return t.store.write(async (tx) => {
    await tx.createUser(t.accountId, { userName: 'bob' as UserName });
    await tx.createUser(t.accountId, { userName: 'carol' as UserName });
    return [
      await tx.createAccessKey(t.accountId, { userName: 'bob' as UserName }),
      await tx.createAccessKey(t.accountId, { userName: 'bob' as UserName }),
      await tx.createAccessKey(t.accountId, { userName: 'carol' as UserName }),
    ].map((key) => key.accessKeyId as string);
  });
}
