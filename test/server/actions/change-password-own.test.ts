import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { verifyPassword } from '../../../src/auth/password-hash.js';
import { ALL_ACTIONS } from '../../../src/server/actions/index.js';
import type { UserName } from '../../../src/store/index.js';
import {
  call,
  createUserKey,
  expectError,
  expectSuccess,
  issueStsCredentials,
  startTestServer,
} from '../../support/server-harness.js';

// ChangePassword as on Alibaba Cloud: the account's AllowUserToChangePassword is the permission,
// so a RAM user with no policy attached changes its own password while it is true, and nobody
// does while it is false.

const first = 'the first long password';
const second = 'the second long password';

describe('ChangePassword needs no RAM policy, only the security preference', async () => {
  const t = await startTestServer({ actions: ALL_ACTIONS });
  const dave = await createUserKey(t, 'dave');
  const asRoot = (action: string, params: Record<string, string>) =>
    call(t.port, { action, params, credentials: t.root });
  expectSuccess(
    await asRoot('CreateLoginProfile', {
      UserPrincipalName: `dave@${t.accountId}.onaliyun.com`,
      Password: first,
    }),
  );
  const stored = async () => (await t.store.loginProfile(t.accountId, 'dave' as UserName)).passwordHash;

  test('allowed (the default): a user without any policy changes its own password', async () => {
    const denied = expectError(
      await call(t.port, { action: 'GetUser', credentials: dave }),
      403,
      'NoPermission',
    );
    assert.equal(denied.AccessDeniedDetail.AuthAction, 'ram:GetUser', 'dave has no RAM permission at all');
    expectSuccess(
      await call(t.port, {
        action: 'ChangePassword',
        params: { OldPassword: first, NewPassword: second },
        credentials: dave,
      }),
    );
    assert.equal(await verifyPassword(second, await stored()), true);
  });

  test('forbidden by the preference: refused, the password kept', async () => {
    expectSuccess(await asRoot('SetSecurityPreference', { AllowUserToChangePassword: 'false' }));
    const before = await stored();
    expectError(
      await call(t.port, {
        action: 'ChangePassword',
        params: { OldPassword: second, NewPassword: first },
        credentials: dave,
      }),
      403,
      'NoPermission.ChangePassword',
    );
    assert.equal(await stored(), before);
    expectSuccess(await asRoot('SetSecurityPreference', { AllowUserToChangePassword: 'true' }));
  });

  test('open to any caller only as far as the handler: a role is still refused', async () => {
    const role = await issueStsCredentials(t);
    expectError(
      await call(t.port, {
        action: 'ChangePassword',
        params: { OldPassword: second, NewPassword: first },
        credentials: role,
      }),
      403,
      'NoPermission.ChangePassword',
    );
  });
});
