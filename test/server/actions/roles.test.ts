import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { parseTrustPolicy, trustAllows } from '../../../src/policy/trust-policy.js';
import { createRole } from '../../../src/server/actions/ram/create-role.js';
import { deleteRole } from '../../../src/server/actions/ram/delete-role.js';
import { getRole } from '../../../src/server/actions/ram/get-role.js';
import type { AccountId, KeyFenceStore, RoleName } from '../../../src/store/index.js';
import {
  call,
  fakeContext,
  newTenant,
  type RootCaller,
  refusedWith,
  testDate,
  useTestStores,
} from './support/action-harness.js';

const trustRoot = (accountId: string) =>
  JSON.stringify({
    Statement: [
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { RAM: [`acs:ram::${accountId}:root`] } },
    ],
    Version: '1',
  });

describe('RAM role actions', () => {
  const openTestStore = useTestStores();
  let store: KeyFenceStore;
  let accountId: AccountId;
  let root: RootCaller;
  before(async () => {
    store = await openTestStore();
    ({ accountId, root } = await newTenant(store));
  });

  test('CreateRole creates a role and answers with RAM’s Role structure', async () => {
    const document = trustRoot(accountId);
    const fake = fakeContext(store, root, {
      RoleName: 'ECSAdmin',
      AssumeRolePolicyDocument: document,
      Description: 'ECS administrator',
      MaxSessionDuration: '7200',
    });
    const body = await createRole.handle(fake.context);
    assert.equal(fake.changedCalls, 1);
    const stored = await store.getRole(accountId, 'ECSAdmin' as RoleName);
    assert.deepEqual(body, {
      Role: {
        RoleId: stored.roleId,
        RoleName: 'ECSAdmin',
        Arn: `acs:ram::${accountId}:role/ecsadmin`,
        Description: 'ECS administrator',
        AssumeRolePolicyDocument: document,
        MaxSessionDuration: 7200,
        CreateDate: testDate,
      },
    });
  });

  test('GetRole adds UpdateDate and finds names case-insensitively', async () => {
    const body = await call(store, getRole, root, { RoleName: 'ecsadmin' });
    const role = body.Role as Record<string, unknown>;
    assert.equal(role.RoleName, 'ECSAdmin');
    assert.equal(role.UpdateDate, testDate);
    assert.equal(role.MaxSessionDuration, 7200);
  });

  test('CreateRole validates every parameter', async () => {
    const document = trustRoot(accountId);
    const cases: [Record<string, string>, string][] = [
      [{ AssumeRolePolicyDocument: document }, 'MissingParameter.RoleName'],
      [{ RoleName: 'r1' }, 'MissingParameter.AssumeRolePolicyDocument'],
      [{ RoleName: 'has_underscore', AssumeRolePolicyDocument: document }, 'InvalidParameter.RoleName'],
      [{ RoleName: 'r'.repeat(65), AssumeRolePolicyDocument: document }, 'InvalidParameter.RoleName'],
      [
        { RoleName: 'r1', AssumeRolePolicyDocument: document, MaxSessionDuration: '3599' },
        'InvalidParameter.MaxSessionDuration',
      ],
      [
        { RoleName: 'r1', AssumeRolePolicyDocument: document, MaxSessionDuration: '43201' },
        'InvalidParameter.MaxSessionDuration',
      ],
      [
        { RoleName: 'r1', AssumeRolePolicyDocument: document, Description: 'd'.repeat(1025) },
        'InvalidParameter.Description',
      ],
      [{ RoleName: 'r1', AssumeRolePolicyDocument: '[]' }, 'InvalidParameter.AssumeRolePolicyDocument'],
      [
        { RoleName: 'r1', AssumeRolePolicyDocument: ' '.repeat(4097) },
        'InvalidParameter.AssumeRolePolicyDocument',
      ],
    ];
    for (const [params, code] of cases) await refusedWith(call(store, createRole, root, params), code, 400);
    await refusedWith(store.getRole(accountId, 'r1' as RoleName), 'EntityNotExist.Role', 404);
  });

  test('CreateRole refuses principals of other accounts, listing every problem', async () => {
    const document = JSON.stringify({
      Statement: [
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { RAM: ['acs:ram::1111111111111111:root'] } },
        { Action: 'sts:AssumeRole', Effect: 'Maybe', Principal: { RAM: `acs:ram::${accountId}:group/x` } },
      ],
    });
    const message = await refusedWith(
      call(store, createRole, root, { RoleName: 'cross', AssumeRolePolicyDocument: document }),
      'InvalidParameter.AssumeRolePolicyDocument',
      400,
    );
    assert.match(
      message,
      /statement 0: RAM principal "acs:ram::1111111111111111:root" is of another account/,
    );
    assert.match(message, /statement 1: Effect must be "Allow" or "Deny"/);
    assert.match(message, /statement 1: RAM principal .*group\/x" must be/);
  });

  test('CreateRole refuses a name that is taken', async () => {
    await refusedWith(
      call(store, createRole, root, { RoleName: 'ecsadmin', AssumeRolePolicyDocument: trustRoot(accountId) }),
      'EntityAlreadyExists.Role',
      409,
    );
  });

  test('roles are per account', async () => {
    const other = await newTenant(store);
    await refusedWith(call(store, getRole, other.root, { RoleName: 'ECSAdmin' }), 'EntityNotExist.Role', 404);
    await refusedWith(
      call(store, deleteRole, other.root, { RoleName: 'ECSAdmin' }),
      'EntityNotExist.Role',
      404,
    );
  });

  test('DeleteRole deletes the role', async () => {
    const fake = fakeContext(store, root, { RoleName: 'ECSAdmin' });
    assert.deepEqual(await deleteRole.handle(fake.context), {});
    assert.equal(fake.changedCalls, 1);
    await refusedWith(call(store, getRole, root, { RoleName: 'ECSAdmin' }), 'EntityNotExist.Role', 404);
    await refusedWith(call(store, deleteRole, root, { RoleName: 'ECSAdmin' }), 'EntityNotExist.Role', 404);
    await refusedWith(call(store, deleteRole, root, {}), 'MissingParameter.RoleName', 400);
  });
});

describe('trust policies', () => {
  const account = '1234567890123456' as AccountId;
  const rootArn = `acs:ram::${account}:root`;
  const aliceArn = `acs:ram::${account}:user/alice`;
  const parse = (document: unknown) => parseTrustPolicy(JSON.stringify(document), account);
  const statement = (extra: Record<string, unknown> = {}) => ({
    Effect: 'Allow',
    Action: 'sts:AssumeRole',
    Principal: { RAM: rootArn },
    ...extra,
  });
  const allows = (document: unknown, principals: string[], externalId?: string) => {
    const parsed = parse(document);
    assert.ok(parsed.ok, JSON.stringify(parsed));
    return trustAllows(parsed.statements, principals, externalId);
  };

  test('accept RAM’s documented shapes: string or list principals and actions, Service principals', () => {
    for (const document of [
      { Statement: [statement()], Version: '1' },
      { Statement: [statement({ Action: ['sts:AssumeRole'], Principal: { RAM: [rootArn, aliceArn] } })] },
      { Statement: [statement({ Principal: { Service: ['ecs.aliyuncs.com'] } })] },
      { Statement: [statement({ Condition: { StringEquals: { 'sts:ExternalId': 'abc' } } })] },
    ]) {
      assert.deepEqual(parse(document).ok, true, JSON.stringify(document));
    }
  });

  test('refuse what they cannot read, field by field', () => {
    const cases: [unknown, RegExp][] = [
      ['"x"', /JSON object/],
      ['{', /not valid JSON/],
      [{ Statement: [] }, /non-empty list/],
      [{ Statement: [statement()], Version: 1 }, /Version must be "1"/],
      [{ Statement: [statement()], Extra: true }, /unknown field "Extra"/],
      [{ Statement: [statement({ Conditions: {} })] }, /statement 0: unknown field "Conditions"/],
      [{ Statement: [statement({ Action: [] })] }, /Action must be/],
      [{ Statement: [statement({ Principal: {} })] }, /Principal must be an object/],
      [{ Statement: [statement({ Principal: { AWS: '*' } })] }, /unknown principal type "AWS"/],
      [{ Statement: [statement({ Principal: { RAM: '*' } })] }, /must be acs:ram::<account ID>:root/],
      [{ Statement: [statement({ Principal: { RAM: `acs:ram::${account}:user/bad name` } })] }, /must be/],
      [{ Statement: [statement({ Condition: { StringEquals: 'x' } })] }, /Condition must map/],
    ];
    for (const [document, problem] of cases) {
      const parsed = parseTrustPolicy(
        typeof document === 'string' ? document : JSON.stringify(document),
        account,
      );
      assert.equal(parsed.ok, false, JSON.stringify(document));
      assert.ok(!parsed.ok && parsed.problems.some((p) => problem.test(p)), JSON.stringify(parsed));
    }
  });

  test('allow the named principals only', () => {
    const rootTrust = { Statement: [statement()] };
    assert.equal(allows(rootTrust, [rootArn]), true);
    assert.equal(allows(rootTrust, [aliceArn, rootArn]), true);
    assert.equal(allows(rootTrust, []), false);
    const aliceTrust = { Statement: [statement({ Principal: { RAM: aliceArn } })] };
    assert.equal(allows(aliceTrust, [aliceArn, rootArn]), true);
    assert.equal(allows(aliceTrust, [rootArn]), false);
    assert.equal(allows(aliceTrust, [`acs:ram::${account}:user/bob`, rootArn]), false);
    assert.equal(allows({ Statement: [statement({ Action: 'sts:GetCallerIdentity' })] }, [rootArn]), false);
    assert.equal(
      allows({ Statement: [statement({ Principal: { Service: 'ecs.aliyuncs.com' } })] }, [rootArn]),
      false,
    );
  });

  test('let a matching Deny win', () => {
    const document = {
      Statement: [statement(), statement({ Effect: 'Deny', Principal: { RAM: aliceArn } })],
    };
    assert.equal(allows(document, [rootArn]), true);
    assert.equal(allows(document, [aliceArn, rootArn]), false);
  });

  test('evaluate sts:ExternalId and let no other condition grant', () => {
    const withId = {
      Statement: [statement({ Condition: { StringEquals: { 'sts:ExternalId': ['abc', 'def'] } } })],
    };
    assert.equal(allows(withId, [rootArn], 'def'), true);
    assert.equal(allows(withId, [rootArn], 'xyz'), false);
    assert.equal(allows(withId, [rootArn]), false);
    const unknown = {
      Statement: [statement({ Condition: { IpAddress: { 'acs:SourceIp': '192.0.2.0/24' } } })],
    };
    assert.equal(allows(unknown, [rootArn]), false);
    const denyUnknown = {
      Statement: [
        statement(),
        statement({ Effect: 'Deny', Condition: { IpAddress: { 'acs:SourceIp': '0.0.0.0/0' } } }),
      ],
    };
    assert.equal(allows(denyUnknown, [rootArn]), false);
  });
});
