/**
 * CheckAccessKeyAccess through a real server, on SQLite and PostgreSQL: the decision this node
 * enforces for a key from a source, with what each scope decides alone; by RequestId, the call
 * its audit event recorded; and every refusal of bad input.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RoleName, UserName } from '../../../src/store/index.js';
import { useDialects } from '../../store/support/dialects.js';
import { type Credentials, call, expectError, expectSuccess } from '../../support/server-harness.js';
import { classic, EXEMPT_SERVICE, KEYFENCE_VERSION, startCheckServer } from './support/check-server.js';

const inactive = (policy: { Statements: unknown[] }) => ({ ...policy, Status: 'Inactive' });

for (const fixture of useDialects()) {
  describe(`CheckAccessKeyAccess on ${fixture.name}`, async () => {
    const t = await startCheckServer(fixture);

    test('without an Active policy: allowed, no scope decides, none is reported', async () => {
      const body = expectSuccess(
        await t.check({ AccessKeyId: t.alice.accessKeyId, SourceIp: '203.0.113.5' }),
      );
      assert.deepEqual(
        { ...body, RequestId: undefined },
        {
          RequestId: undefined,
          AccessKeyId: t.alice.accessKeyId,
          SourceIp: '203.0.113.5',
          Allowed: true,
          Reason: 'no-active-policy',
          Scope: 'None',
          StatementIndex: null,
          EntryIndex: null,
          Entry: null,
          PolicyVersion: 0,
          Scopes: [],
        },
      );
    });

    test('an Active key-level policy overrides the account’s; both are reported', async () => {
      const accountVersion = await t.setPolicy({ kind: 'account' }, classic('203.0.113.0/24'));
      const keyVersion = await t.setPolicy(
        { kind: 'accessKey', key: t.alice },
        classic('198.51.100.1', '2001:db8::/32'),
      );
      const denied = expectSuccess(
        await t.check({ AccessKeyId: t.alice.accessKeyId, SourceIp: '203.0.113.5' }),
      );
      assert.equal(denied.Allowed, false);
      assert.equal(denied.Reason, 'public-ip-not-allowed');
      assert.equal(denied.Scope, 'AccessKey');
      assert.equal(denied.StatementIndex, null);
      assert.equal(denied.PolicyVersion, keyVersion);
      assert.deepEqual(denied.Scopes, [
        {
          Scope: 'AccessKey',
          Status: 'Active',
          PolicyVersion: keyVersion,
          Effective: true,
          Allowed: false,
          Reason: 'public-ip-not-allowed',
          StatementIndex: null,
          EntryIndex: null,
          Entry: null,
        },
        {
          Scope: 'Account',
          Status: 'Active',
          PolicyVersion: accountVersion,
          Effective: false,
          Allowed: true,
          Reason: 'public-ip-allowed',
          StatementIndex: 0,
          EntryIndex: 0,
          Entry: '203.0.113.0/24',
        },
      ]);
      // Any spelling of an address; the answer names it canonically.
      const allowed = expectSuccess(
        await t.check({ AccessKeyId: t.alice.accessKeyId, SourceIp: '2001:DB8:0:0::7' }),
      );
      assert.equal(allowed.SourceIp, '2001:db8::7');
      assert.equal(allowed.Allowed, true);
      assert.equal(allowed.Reason, 'public-ip-allowed');
      assert.equal(allowed.StatementIndex, 0);
      assert.equal(allowed.EntryIndex, 1);
      assert.equal(allowed.Entry, '2001:db8::/32');
    });

    test('an Inactive key-level policy has no effect, and is reported as what it would decide', async () => {
      const accountVersion = await t.setPolicy({ kind: 'account' }, classic('203.0.113.0/24'));
      const keyVersion = await t.setPolicy(
        { kind: 'accessKey', key: t.alice },
        inactive(classic('198.51.100.1')),
      );
      const body = expectSuccess(
        await t.check({ AccessKeyId: t.alice.accessKeyId, SourceIp: '198.51.100.1' }),
      );
      assert.equal(body.Allowed, false);
      assert.equal(body.Scope, 'Account');
      assert.equal(body.PolicyVersion, accountVersion);
      assert.deepEqual(
        body.Scopes.map((s: Record<string, unknown>) => [
          s.Scope,
          s.Status,
          s.PolicyVersion,
          s.Effective,
          s.Allowed,
        ]),
        [
          ['AccessKey', 'Inactive', keyVersion, false, true],
          ['Account', 'Active', accountVersion, true, false],
        ],
      );
    });

    test('a VPC source is decided by the VPC statements', async () => {
      await t.setPolicy(
        { kind: 'accessKey', key: t.alice },
        {
          Version: 1,
          Status: 'Active',
          Statements: [
            { Type: 'ClassicWhiteList', IPList: ['198.51.100.1'] },
            { Type: 'VPCWhiteList', Value: 'vpc-abc123', IPList: ['10.0.0.0/8'] },
          ],
        },
      );
      const inVpc = { AccessKeyId: t.alice.accessKeyId, SourceIp: '10.1.2.3', VpcId: 'vpc-abc123' };
      const body = expectSuccess(await t.check(inVpc));
      assert.equal(body.VpcId, 'vpc-abc123');
      assert.equal(body.Allowed, true);
      assert.equal(body.Reason, 'vpc-allowed');
      assert.equal(body.StatementIndex, 1);
      assert.equal(body.EntryIndex, 0);
      assert.equal(body.Entry, '10.0.0.0/8');
      const other = expectSuccess(await t.check({ ...inVpc, VpcId: 'vpc-other' }));
      assert.equal(other.Allowed, false);
      assert.equal(other.Reason, 'vpc-not-allowed');
      const publicly = expectSuccess(
        await t.check({ AccessKeyId: t.alice.accessKeyId, SourceIp: '10.1.2.3' }),
      );
      assert.equal(Object.hasOwn(publicly, 'VpcId'), false);
      assert.equal(publicly.Reason, 'public-ip-not-allowed');
    });

    test('an exempt service and temporary credentials are allowed, as the decision treats them', async () => {
      await t.setPolicy({ kind: 'accessKey', key: t.alice }, classic('198.51.100.1'));
      const exempt = expectSuccess(
        await t.check({ AccessKeyId: t.alice.accessKeyId, SourceIp: '203.0.113.5', Service: EXEMPT_SERVICE }),
      );
      assert.equal(exempt.Service, EXEMPT_SERVICE);
      assert.equal(exempt.Allowed, true);
      assert.equal(exempt.Reason, 'exempt-service');
      assert.equal(exempt.Scopes[0].Allowed, false, 'the policy would deny it, were the service not exempt');
      const notExempt = expectSuccess(
        await t.check({ AccessKeyId: t.alice.accessKeyId, SourceIp: '203.0.113.5', Service: 'ecs' }),
      );
      assert.equal(notExempt.Allowed, false);

      const sts = await t.store.write(async (tx) => {
        await tx.createRole(t.accountId, {
          roleName: 'checker' as RoleName,
          assumeRolePolicyDocument: '{"Statement":[]}',
        });
        return tx.issueTemporaryCredential(t.accountId, 'checker' as RoleName, {
          roleSessionName: 'session-1',
          sourceIdentity: t.root.accessKeyId,
        });
      });
      const temporary = expectSuccess(
        await t.check({ AccessKeyId: sts.accessKeyId, SourceIp: '203.0.113.5' }),
      );
      assert.equal(temporary.Allowed, true);
      assert.equal(temporary.Reason, 'temporary-credential');
      assert.deepEqual(temporary.Scopes, []);
    });

    test('by RequestId: the recorded call, decided again now, and as it was decided then', async () => {
      const version = await t.setPolicy({ kind: 'accessKey', key: t.alice }, classic('198.51.100.1'));
      const refused = await call(t.port, {
        action: 'GetCallerIdentity',
        version: '2015-04-01',
        credentials: t.alice,
        headers: { 'x-forwarded-for': '203.0.113.77' },
      });
      const denial = expectError(refused, 400, 'InvalidAccessKeyId.AccessPolicyDenied');
      await t.sink.flush();
      const body = expectSuccess(await t.check({ RequestId: denial.RequestId.toLowerCase() }));
      assert.equal(body.AccessKeyId, t.alice.accessKeyId);
      assert.equal(body.SourceIp, '203.0.113.77');
      assert.equal(body.Service, 'sts');
      assert.equal(body.Allowed, false);
      assert.equal(body.Reason, 'public-ip-not-allowed');
      assert.equal(body.PolicyVersion, version);
      assert.equal(body.RecordedCall.RequestId, denial.RequestId);
      assert.match(body.RecordedCall.EventTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.deepEqual(
        [
          body.RecordedCall.Allowed,
          body.RecordedCall.Reason,
          body.RecordedCall.Scope,
          body.RecordedCall.PolicyVersion,
        ],
        [false, 'public-ip-not-allowed', 'AccessKey', version],
      );
      // Once the policy lets that source in, the same RequestId says so, next to the old denial.
      await t.setPolicy({ kind: 'accessKey', key: t.alice }, classic('203.0.113.0/24'));
      const now = expectSuccess(await t.check({ RequestId: denial.RequestId }));
      assert.equal(now.Allowed, true);
      assert.equal(now.RecordedCall.Allowed, false);
    });

    test('by RequestId: the entry that let the call in, its text while that policy version is stored', async () => {
      const version = await t.setPolicy(
        { kind: 'accessKey', key: t.alice },
        classic('198.51.100.1', '203.0.113.0/24'),
      );
      const allowed = await call(t.port, {
        action: 'GetCallerIdentity',
        version: '2015-04-01',
        credentials: t.alice,
        headers: { 'x-forwarded-for': '203.0.113.77' },
      });
      const { RequestId } = expectSuccess(allowed);
      await t.sink.flush();
      const body = expectSuccess(await t.check({ RequestId }));
      assert.deepEqual(
        [
          body.RecordedCall.PolicyVersion,
          body.RecordedCall.StatementIndex,
          body.RecordedCall.EntryIndex,
          body.RecordedCall.Entry,
        ],
        [version, 0, 1, '203.0.113.0/24'],
      );
      // The policy moved on: the entry of the version decided under is no longer known.
      await t.setPolicy({ kind: 'accessKey', key: t.alice }, classic('203.0.113.0/24'));
      const later = expectSuccess(await t.check({ RequestId }));
      assert.deepEqual([later.RecordedCall.EntryIndex, later.RecordedCall.Entry], [null, null]);
      assert.deepEqual([later.EntryIndex, later.Entry], [0, '203.0.113.0/24']);
    });

    test('bad input: each refused with its own code', async () => {
      const key = t.alice.accessKeyId;
      const refusals: [Record<string, string>, number, string][] = [
        [{}, 400, 'MissingParameter.AccessKeyIdOrRequestId'],
        [{ AccessKeyId: key }, 400, 'MissingParameter.SourceIp'],
        [{ AccessKeyId: key, SourceIp: '203.0.113.05' }, 400, 'InvalidParameter.SourceIp'],
        [{ AccessKeyId: key, SourceIp: '127.1' }, 400, 'InvalidParameter.SourceIp'],
        [{ AccessKeyId: key, SourceIp: '10.0.0.1', VpcId: 'VPC-X' }, 400, 'InvalidParameter.VpcId'],
        [{ AccessKeyId: key, SourceIp: '10.0.0.1', Service: 'ECS' }, 400, 'InvalidParameter.Service'],
        [
          { AccessKeyId: key, RequestId: 'B0000000-0000-4000-8000-000000000001' },
          400,
          'InvalidParameter.MutuallyExclusive',
        ],
        [
          { SourceIp: '10.0.0.1', RequestId: 'B0000000-0000-4000-8000-000000000001' },
          400,
          'InvalidParameter.MutuallyExclusive',
        ],
        [{ RequestId: 'not-a-request-id' }, 400, 'InvalidParameter.RequestId'],
        [{ RequestId: 'B0000000-0000-4000-8000-000000000001' }, 404, 'EntityNotExist.AuditEvent'],
        [
          { AccessKeyId: 'LTAI5tNoSuchKeyNoSuchKey', SourceIp: '10.0.0.1' },
          404,
          'EntityNotExist.User.AccessKey',
        ],
        [{ AccessKeyId: 'not a key', SourceIp: '10.0.0.1' }, 404, 'EntityNotExist.User.AccessKey'],
        [
          { AccessKeyId: 'STS.NoSuchTemporaryKey0000', SourceIp: '10.0.0.1' },
          404,
          'EntityNotExist.User.AccessKey',
        ],
      ];
      for (const [params, status, code] of refusals) {
        const body = expectError(await t.check(params), status, code);
        // KeyFence's own product is not one Alibaba's troubleshooter knows.
        assert.equal(body.Recommend.includes('&product='), false, body.Recommend);
      }
    });

    test('another account’s keys and calls are answered like unknown ones', async () => {
      const other = await t.store.write(async (tx) => {
        const account = await tx.createAccount();
        return tx.createAccessKey(account.accountId);
      });
      const theirs = await t.check({ AccessKeyId: other.accessKeyId, SourceIp: '10.0.0.1' });
      const unknown = await t.check({ AccessKeyId: 'LTAI5tNoSuchKeyNoSuchKey', SourceIp: '10.0.0.1' });
      expectError(theirs, 404, 'EntityNotExist.User.AccessKey');
      assert.equal(theirs.body.Message, unknown.body.Message);
      const theirCall = expectSuccess(
        await call(t.port, {
          action: 'GetCallerIdentity',
          version: '2015-04-01',
          credentials: { accessKeyId: other.accessKeyId, accessKeySecret: other.accessKeySecret },
        }),
      );
      await t.sink.flush();
      expectError(await t.check({ RequestId: theirCall.RequestId }), 404, 'EntityNotExist.AuditEvent');
    });

    test('authorized as keyfence:CheckAccessKeyAccess: RAM readers may, users without a policy may not', async () => {
      const users = await t.store.write(async (tx) => {
        const made: Record<string, Credentials> = {};
        for (const name of ['reader', 'nobody']) {
          await tx.createUser(t.accountId, { userName: name as UserName });
          const key = await tx.createAccessKey(t.accountId, { userName: name as UserName });
          made[name] = { accessKeyId: key.accessKeyId, accessKeySecret: key.accessKeySecret };
        }
        await tx.attachPolicyToUser(t.accountId, 'reader' as UserName, {
          policyType: 'System',
          policyName: 'AliyunRAMReadOnlyAccess',
        });
        return made;
      });
      // The attachment reaches the node through the change log.
      await t.setPolicy({ kind: 'accessKey', key: t.alice }, classic('198.51.100.1'));
      const params = { AccessKeyId: t.alice.accessKeyId, SourceIp: '198.51.100.1' };
      for (const name of ['reader', 'nobody'])
        await t.setPolicy({ kind: 'accessKey', key: users[name]! }, classic('127.0.0.1'));
      assert.equal(expectSuccess(await t.check(params, users.reader)).Allowed, true);
      const refused = expectError(await t.check(params, users.nobody), 403, 'NoPermission');
      assert.equal(refused.AccessDeniedDetail.AuthAction, 'keyfence:CheckAccessKeyAccess');
    });

    test('GetPolicyVersionStatus answers under 2026-12-01 as under IMS', async () => {
      const version = await t.setPolicy({ kind: 'accessKey', key: t.alice }, classic('198.51.100.2'));
      const params = { PolicyVersion: String(version) };
      const own = expectSuccess(
        await call(t.port, {
          action: 'GetPolicyVersionStatus',
          version: KEYFENCE_VERSION,
          credentials: t.root,
          params,
        }),
      );
      const ims = expectSuccess(
        await call(t.port, { action: 'GetPolicyVersionStatus', credentials: t.root, params }),
      );
      assert.equal(own.PolicyVersion, version);
      assert.equal(own.PolicyVersion, ims.PolicyVersion);
      assert.equal(typeof own.Enforced, 'boolean');
    });
  });
}
