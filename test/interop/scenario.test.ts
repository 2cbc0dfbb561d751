/**
 * The end-to-end scenario, with the official SDKs against
 * `keyfence serve --trusted-proxy 127.0.0.1/32`: root creates a RAM user and its key; the user
 * has no permission until RAM policies are attached; root sets an account policy and a key
 * policy; the user's calls "through the proxy" (X-Forwarded-For / X-Forwarded-Vpc-Id sent as
 * per-request headers, which this test process is allowed to set since it connects from the
 * trusted 127.0.0.1) from allowed and denied addresses and VPCs get the expected result; STS
 * credentials from AssumeRole pass where the permanent key is denied; denied calls show up in
 * ActionTrail LookupEvents with their source IP and VPC.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import RPCClient from '@alicloud/pop-core';
import { type KeyFenceProcess, startKeyFence } from '../support/keyfence-process.js';
import {
  type ClientOptions,
  type Credentials,
  callApi,
  classic,
  eventually,
  Ims,
  imsClient,
  type OpenApiClient,
  openApiClient,
  policy,
  principalName,
  type SdkError,
  sdkError,
  stsClient,
  VERSIONS,
  vpc,
} from './support/sdk.js';
import { useKeyFence } from './support/use-keyfence.js';

let server: KeyFenceProcess;
let root: OpenApiClient;
let alice: string;
let aliceKey: Credentials;
let stsCredentials: Credentials;
/** Denials seen by the SDK, by what they were, to find in LookupEvents by RequestId. */
const denials = new Map<string, SdkError>();

const KEY_POLICY = policy(
  'Active',
  classic('198.51.100.7', '2001:db8:a11c::/48'),
  vpc('vpc-alice', '172.16.0.0/16'),
);
const ACCOUNT_POLICY = policy(
  'Active',
  classic('127.0.0.1', '203.0.113.0/24'),
  vpc('vpc-shared', '10.0.0.0/8'),
);

/** Headers a trusted proxy adds for a client at `ip` (in VPC `vpcId`). */
function via(ip: string | undefined, vpcId?: string): Record<string, string> | undefined {
  if (ip === undefined) return undefined;
  return { 'x-forwarded-for': ip, ...(vpcId === undefined ? {} : { 'x-forwarded-vpc-id': vpcId }) };
}

function whoAmI(client: OpenApiClient, ip: string | undefined, vpcId?: string) {
  const headers = via(ip, vpcId);
  return callApi(client, 'GetCallerIdentity', VERSIONS.sts, {}, headers === undefined ? {} : { headers });
}

const keyfence = useKeyFence({ trustedProxies: ['127.0.0.1/32'] }, (started) => {
  server = started;
  root = openApiClient(server, server.root);
  alice = principalName('alice', server.root.accountId);
});

describe('scenario: a RAM user restricted by network ACLs behind a trusted proxy', () => {
  test('root creates a RAM user and its AccessKey (typed ims client)', async () => {
    const ims = imsClient(server, server.root);
    await ims.createUser(new Ims.CreateUserRequest({ userPrincipalName: alice, displayName: 'Alice' }));
    const res = await ims.createAccessKey(new Ims.CreateAccessKeyRequest({ userPrincipalName: alice }));
    const key = res.body?.accessKey;
    assert.ok(key?.accessKeyId && key.accessKeySecret, 'the new key and its secret');
    aliceKey = { accessKeyId: key.accessKeyId, accessKeySecret: key.accessKeySecret };
  });

  test('without RAM policies the user gets NoPermission (403) as the SDK error code', async () => {
    const e = await sdkError(
      callApi(openApiClient(server, aliceKey), 'GetUser', VERSIONS.ims, { UserPrincipalName: alice }),
      'GetUser as alice without policies',
    );
    assert.equal(e.code, 'NoPermission');
    assert.equal(e.statusCode, 403);
    assert.equal(e.accessDeniedDetail?.AuthAction, 'ram:GetUser');
    // GetCallerIdentity needs no permission.
    const me = await whoAmI(openApiClient(server, aliceKey), undefined);
    assert.equal(me.body.IdentityType, 'RAMUser');
  });

  test('root attaches system policies with RAM AttachPolicyToUser; the user may then read', async () => {
    for (const name of ['AliyunRAMReadOnlyAccess', 'AliyunSTSAssumeRoleAccess']) {
      await callApi(root, 'AttachPolicyToUser', VERSIONS.ram, {
        PolicyType: 'System',
        PolicyName: name,
        UserName: 'alice',
      });
    }
    const listed = await callApi(root, 'ListPoliciesForUser', VERSIONS.ram, { UserName: 'alice' });
    const names = ((listed.body.Policies as { Policy?: { PolicyName: string }[] } | undefined)?.Policy ?? [])
      .map((p) => p.PolicyName)
      .sort();
    assert.deepEqual(names, ['AliyunRAMReadOnlyAccess', 'AliyunSTSAssumeRoleAccess']);
    const got = await callApi(openApiClient(server, aliceKey), 'GetUser', VERSIONS.ims, {
      UserPrincipalName: alice,
    });
    assert.equal((got.body.User as { DisplayName?: string }).DisplayName, 'Alice');
    // Read-only: writing is still refused.
    const e = await sdkError(
      callApi(openApiClient(server, aliceKey), 'CreateUser', VERSIONS.ims, {
        UserPrincipalName: principalName('mallory', server.root.accountId),
        DisplayName: 'Mallory',
      }),
      'CreateUser as a read-only user',
    );
    assert.equal(e.code, 'NoPermission');
  });

  test('root sets an account policy and a key policy', async () => {
    await callApi(root, 'SetAccessKeyPolicyForAccount', VERSIONS.ims, { AccessKeyPolicy: ACCOUNT_POLICY });
    await callApi(root, 'SetAccessKeyPolicy', VERSIONS.ims, {
      UserPrincipalName: alice,
      UserAccessKeyId: aliceKey.accessKeyId,
      AccessKeyPolicy: KEY_POLICY,
    });
    const got = await callApi(root, 'GetAccessKeyPolicy', VERSIONS.ims, {
      UserPrincipalName: alice,
      UserAccessKeyId: aliceKey.accessKeyId,
    });
    assert.deepEqual(JSON.parse(String(got.body.AccessKeyPolicy)), JSON.parse(KEY_POLICY));
  });

  // [X-Forwarded-For, X-Forwarded-Vpc-Id, expected source IP if denied]; the key policy decides.
  const allowed: [string, string | undefined][] = [
    ['198.51.100.7', undefined],
    ['198.51.100.7, 127.0.0.1', undefined], // the proxy chain is walked right to left
    ['203.0.113.9, 198.51.100.7', undefined], // what the client itself claimed is not believed
    ['::ffff:198.51.100.7', undefined], // IPv4-mapped IPv6 is IPv4
    ['2001:db8:a11c::5', undefined],
    ['172.16.3.4', 'vpc-alice'],
  ];
  const denied: [string | undefined, string | undefined, string][] = [
    ['203.0.113.9', undefined, '203.0.113.9'], // allowed by the account policy, but the key's overrides it
    ['198.51.100.7, 203.0.113.9', undefined, '203.0.113.9'],
    ['2001:db8:b0b::1', undefined, '2001:db8:b0b::1'],
    ['172.16.3.4', 'vpc-other', '172.16.3.4'],
    ['198.51.100.7', 'vpc-alice', '198.51.100.7'], // a VPC request is matched against VPC statements only
    ['10.1.2.3', 'vpc-shared', '10.1.2.3'],
    [undefined, undefined, '127.0.0.1'], // no forwarding header: the proxy itself is the source
  ];
  const signings: [string, ClientOptions][] = [
    ['v3', {}],
    ['v2', { signatureAlgorithm: 'v2' }],
  ];

  for (const [signing, options] of signings) {
    test(`${signing}: the user's calls from allowed addresses and VPCs pass`, async () => {
      const client = openApiClient(server, aliceKey, options);
      for (const [ip, vpcId] of allowed) {
        const res = await whoAmI(client, ip, vpcId);
        assert.equal(res.body.IdentityType, 'RAMUser', `${ip} ${vpcId ?? ''}`);
      }
    });

    test(`${signing}: the user's calls from other addresses and VPCs are denied (400, AccessDeniedDetail)`, async () => {
      const client = openApiClient(server, aliceKey, options);
      for (const [ip, vpcId, source] of denied) {
        const what = `${signing} from ${ip ?? '(the proxy)'} ${vpcId ?? ''}`;
        const e = await sdkError(whoAmI(client, ip, vpcId), what);
        assert.equal(e.code, 'InvalidAccessKeyId.AccessPolicyDenied', what);
        assert.equal(e.statusCode, 400, what);
        assert.equal(e.data?.Message, 'Specified access key denied due to access policy.', what);
        const detail = e.data?.AccessDeniedDetail;
        assert.ok(detail !== undefined, `${what}: AccessDeniedDetail`);
        assert.equal(detail.SourceIp, source, what);
        assert.equal(detail.VpcId, vpcId ?? null, what);
        assert.equal(detail.DeniedBy, 'AccessKey', what);
        assert.equal(typeof detail.PolicyVersion, 'number', what);
        denials.set(`${signing} ${ip} ${vpcId}`, e);
      }
    });
  }

  test('only X-Forwarded-For counts from the trusted proxy: a Forwarded header it passed through is ignored', async () => {
    const client = openApiClient(server, aliceKey);
    const allowed = '2001:db8:a11c::5';
    const ok = await callApi(
      client,
      'GetCallerIdentity',
      VERSIONS.sts,
      {},
      { headers: { 'x-forwarded-for': allowed, forwarded: 'for=203.0.113.9' } },
    );
    assert.equal(ok.body.IdentityType, 'RAMUser');
    const e = await sdkError(
      callApi(
        client,
        'GetCallerIdentity',
        VERSIONS.sts,
        {},
        { headers: { 'x-forwarded-for': '203.0.113.9', forwarded: `for="[${allowed}]:4711"` } },
      ),
      'X-Forwarded-For: 203.0.113.9 with an allowed Forwarded',
    );
    assert.equal(e.code, 'InvalidAccessKeyId.AccessPolicyDenied');
    assert.equal(e.data?.AccessDeniedDetail?.SourceIp, '203.0.113.9');
  });

  test('unreadable forwarding headers from the trusted proxy are denied wherever a policy applies', async () => {
    const client = openApiClient(server, aliceKey);
    const unreadable: Record<string, string>[] = [
      { 'x-forwarded-for': 'unknown' },
      { 'x-forwarded-for': '198.51.100.7, not-an-address' },
      { 'x-forwarded-for': '172.16.3.4', 'x-forwarded-vpc-id': 'not a vpc id' },
    ];
    for (const headers of unreadable) {
      const e = await sdkError(
        callApi(client, 'GetCallerIdentity', VERSIONS.sts, {}, { headers }),
        JSON.stringify(headers),
      );
      assert.equal(e.code, 'InvalidAccessKeyId.AccessPolicyDenied', JSON.stringify(headers));
    }
  });

  test('an Inactive key policy (statements kept) leaves the account policy to decide', async () => {
    const inactive = KEY_POLICY.replace('"Status":"Active"', '"Status":"Inactive"');
    await callApi(root, 'SetAccessKeyPolicy', VERSIONS.ims, {
      UserPrincipalName: alice,
      UserAccessKeyId: aliceKey.accessKeyId,
      AccessKeyPolicy: inactive,
    });
    const client = openApiClient(server, aliceKey);
    assert.equal((await whoAmI(client, '203.0.113.9')).body.IdentityType, 'RAMUser');
    assert.equal((await whoAmI(client, '10.1.2.3', 'vpc-shared')).body.IdentityType, 'RAMUser');
    const e = await sdkError(whoAmI(client, '198.51.100.7'), 'allowed only by the inactive key policy');
    assert.equal(e.code, 'InvalidAccessKeyId.AccessPolicyDenied');
    assert.equal(e.data?.AccessDeniedDetail?.DeniedBy, 'Account');
    assert.equal(e.data?.AccessDeniedDetail?.SourceIp, '198.51.100.7');

    await callApi(root, 'SetAccessKeyPolicy', VERSIONS.ims, {
      UserPrincipalName: alice,
      UserAccessKeyId: aliceKey.accessKeyId,
      AccessKeyPolicy: KEY_POLICY,
    });
    await sdkError(whoAmI(client, '203.0.113.9'), 'the key policy is back in force');
  });

  test('STS credentials from AssumeRole pass where the permanent key is denied', async () => {
    const trust = JSON.stringify({
      Version: '1',
      Statement: [
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { RAM: [`acs:ram::${server.root.accountId}:root`] },
        },
      ],
    });
    const created = await callApi(root, 'CreateRole', VERSIONS.ram, {
      RoleName: 'interop-reader',
      AssumeRolePolicyDocument: trust,
      Description: 'interop scenario',
    });
    const roleArn = (created.body.Role as { Arn?: string } | undefined)?.Arn;
    assert.equal(roleArn, `acs:ram::${server.root.accountId}:role/interop-reader`);

    const asAlice = openApiClient(server, aliceKey);
    // AssumeRole is itself a call with the permanent key: only from an allowed address.
    const refused = await sdkError(
      callApi(
        asAlice,
        'AssumeRole',
        VERSIONS.sts,
        { RoleArn: roleArn, RoleSessionName: 'alice' },
        {
          headers: { 'x-forwarded-for': '203.0.113.9' },
        },
      ),
      'AssumeRole from a denied address',
    );
    assert.equal(refused.code, 'InvalidAccessKeyId.AccessPolicyDenied');

    const assumed = await callApi(
      asAlice,
      'AssumeRole',
      VERSIONS.sts,
      { RoleArn: roleArn, RoleSessionName: 'alice', DurationSeconds: 900 },
      { headers: { 'x-forwarded-for': '198.51.100.7' } },
    );
    const creds = assumed.body.Credentials as Record<string, string> | undefined;
    assert.ok(creds !== undefined, `AssumeRole returns Credentials: ${JSON.stringify(assumed.body)}`);
    assert.match(creds.AccessKeyId ?? '', /^STS\./);
    assert.ok(creds.AccessKeySecret && creds.SecurityToken, 'secret and SecurityToken');
    assert.ok(
      Date.parse(creds.Expiration ?? '') > Date.now(),
      `Expiration in the future: ${creds.Expiration}`,
    );
    stsCredentials = {
      accessKeyId: creds.AccessKeyId!,
      accessKeySecret: creds.AccessKeySecret,
      securityToken: creds.SecurityToken,
    };
    const arn = `acs:ram::${server.root.accountId}:assumed-role/interop-reader/alice`;

    for (const [signing, options] of signings) {
      const temporary = openApiClient(server, stsCredentials, options);
      for (const [ip, vpcId] of [
        ['203.0.113.9', undefined],
        ['172.16.3.4', 'vpc-other'],
        [undefined, undefined],
      ] as const) {
        const res = await whoAmI(temporary, ip, vpcId);
        assert.equal(res.body.IdentityType, 'AssumedRoleUser', `${signing} STS from ${ip} ${vpcId ?? ''}`);
        assert.equal(res.body.Arn, arn);
      }
    }
    // The typed STS client (x-acs-security-token), from 127.0.0.1, which the permanent key may not use.
    const typed = await stsClient(server, stsCredentials).getCallerIdentity();
    assert.equal(typed.body?.identityType, 'AssumedRoleUser');
    await sdkError(stsClient(server, aliceKey).getCallerIdentity(), 'the permanent key from 127.0.0.1');

    // pop-core (SecurityToken parameter), GET, from a denied address.
    const pop = new RPCClient({
      endpoint: server.url,
      apiVersion: VERSIONS.sts,
      accessKeyId: stsCredentials.accessKeyId,
      accessKeySecret: stsCredentials.accessKeySecret,
      securityToken: stsCredentials.securityToken!,
    });
    const viaPop = await pop.request<Record<string, unknown>>(
      'GetCallerIdentity',
      {},
      {
        headers: { 'x-forwarded-for': '203.0.113.9' },
        timeout: 10_000,
      },
    );
    assert.equal(viaPop.IdentityType, 'AssumedRoleUser');
  });

  test('a tampered SecurityToken is refused', async () => {
    const tampered = openApiClient(server, {
      ...stsCredentials,
      securityToken: `${stsCredentials.securityToken!.slice(0, -4)}AAAA`,
    });
    const e = await sdkError(whoAmI(tampered, '198.51.100.7'), 'tampered token');
    assert.ok(e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500, `4xx: ${e.message}`);
    assert.match(e.code, /SecurityToken|Signature/, e.code);
  });

  test('denied calls appear in ActionTrail LookupEvents with their source IP and VPC', async () => {
    const byRequestId = async (requestId: string) =>
      eventually(`event ${requestId} in LookupEvents`, async () => {
        const res = await callApi(root, 'LookupEvents', VERSIONS.actiontrail, {
          LookupAttribute: [{ Key: 'AccessKeyId', Value: aliceKey.accessKeyId }],
          MaxResults: 50,
        });
        const events = res.body.Events as Record<string, unknown>[] | undefined;
        assert.ok(Array.isArray(events), `LookupEvents returns Events[]: ${JSON.stringify(res.body)}`);
        return events.find((ev) => ev.requestId === requestId);
      });

    const publicDenial = denials.get('v3 203.0.113.9 undefined');
    const vpcDenial = denials.get('v3 172.16.3.4 vpc-other');
    assert.ok(publicDenial?.requestId && vpcDenial?.requestId, 'the denials were recorded above');

    const event = await byRequestId(publicDenial.requestId);
    assert.equal(event.sourceIpAddress, '203.0.113.9');
    assert.equal(event.errorCode, 'InvalidAccessKeyId.AccessPolicyDenied');
    assert.equal(event.eventName, 'GetCallerIdentity');
    const identity = event.userIdentity as Record<string, unknown>;
    assert.equal(identity.accessKeyId, aliceKey.accessKeyId);
    assert.equal(identity.type, 'ram-user');
    assert.equal(identity.userName, 'alice');
    assert.equal(identity.accountId, server.root.accountId);

    const inVpc = await byRequestId(vpcDenial.requestId);
    assert.equal(inVpc.sourceIpAddress, '172.16.3.4');
    assert.equal(inVpc.vpcId, 'vpc-other');
    assert.equal(inVpc.errorCode, 'InvalidAccessKeyId.AccessPolicyDenied');
    // The decision is kept with the event: here under KeyFence's own `keyfence` key.
    const decision = inVpc.keyfence as Record<string, unknown> | undefined;
    assert.equal(decision?.allowed, false, JSON.stringify(inVpc));
    assert.equal(decision?.scope, 'accessKey');
    assert.equal(decision?.policyVersion, vpcDenial.data?.AccessDeniedDetail?.PolicyVersion);
  });

  test('LookupEvents filters (AccessKeyId + Result, SourceIpAddress) and pages with NextToken', async () => {
    const lookup = async (
      attributes: { Key: string; Value: string }[],
      extra: Record<string, unknown> = {},
    ) =>
      (
        await callApi(root, 'LookupEvents', VERSIONS.actiontrail, {
          LookupAttribute: attributes,
          MaxResults: 50,
          ...extra,
        })
      ).body;
    /** alice's key's events with this Result. */
    const resulting = async (result: 'Failure' | 'Success') =>
      (
        await lookup([
          { Key: 'AccessKeyId', Value: aliceKey.accessKeyId },
          { Key: 'Result', Value: result },
        ])
      ).Events as Record<string, unknown>[];
    // Events are written a moment after their answers: the test before waited for two of them only.
    const failures = await eventually('all denials of both signings in LookupEvents', async () => {
      const found = await resulting('Failure');
      return found.length >= denied.length * 2 ? found : undefined;
    });
    assert.ok(failures.length >= denied.length * 2, `all denials of both signings: ${failures.length}`);
    assert.ok(
      failures.every((ev) => typeof ev.errorCode === 'string' && ev.errorCode !== ''),
      'Result=Failure returns failed calls only',
    );
    const successes = await eventually('the allowed calls in LookupEvents', async () => {
      const found = await resulting('Success');
      return found.length >= allowed.length * 2 ? found : undefined;
    });
    assert.ok(successes.length >= allowed.length * 2, `allowed calls are audited too: ${successes.length}`);
    assert.ok(
      successes.every((ev) => ev.errorCode === undefined || ev.errorCode === null || ev.errorCode === ''),
      'Result=Success returns successful calls only',
    );

    const fromIp = (await lookup([{ Key: 'SourceIpAddress', Value: '2001:db8:b0b:0::1' }])).Events as Record<
      string,
      unknown
    >[];
    assert.ok(fromIp.length >= 2, 'the IPv6 denials, found by any spelling of the address');
    assert.ok(
      fromIp.every((ev) => ev.sourceIpAddress === '2001:db8:b0b::1'),
      JSON.stringify(fromIp),
    );

    const seen = new Set<unknown>();
    let page = await lookup([{ Key: 'AccessKeyId', Value: aliceKey.accessKeyId }], { MaxResults: 5 });
    let pages = 1;
    for (;;) {
      const events = page.Events as Record<string, unknown>[];
      assert.ok(events.length <= 5, 'MaxResults is honoured');
      for (const ev of events) {
        assert.ok(!seen.has(ev.eventId), `no event twice across pages: ${String(ev.eventId)}`);
        seen.add(ev.eventId);
      }
      if (!page.NextToken) break;
      page = await lookup([{ Key: 'AccessKeyId', Value: aliceKey.accessKeyId }], {
        MaxResults: 5,
        NextToken: page.NextToken,
      });
      pages++;
    }
    assert.ok(pages > 1, 'several pages');
    assert.ok(seen.size >= failures.length + successes.length, `every event once: ${seen.size}`);
  });

  test('SIGTERM writes buffered audit events; a restart keeps users, keys and policies', async () => {
    const before = server;
    const e = await sdkError(
      whoAmI(openApiClient(before, aliceKey), '192.0.2.250'),
      'a denied call right before shutdown',
    );
    assert.ok(e.requestId, 'the denial has a RequestId');
    // At once: the audit writer batches, so the event is still buffered when the signal arrives.
    const exit = await before.stop({ keepData: true });
    assert.deepEqual(exit, { code: 0, signal: null }, `exit 0 on SIGTERM\n${before.stderr()}`);

    server = await startKeyFence({
      trustedProxies: ['127.0.0.1/32'],
      restart: { dataDir: before.dataDir, root: before.root },
    });
    keyfence.replace(server);
    assert.equal(server.stdout(), '', 'no credentials are printed on a second start');
    root = openApiClient(server, server.root);
    const found = await callApi(root, 'LookupEvents', VERSIONS.actiontrail, {
      LookupAttribute: [{ Key: 'RequestId', Value: e.requestId }],
    });
    const events = found.body.Events as Record<string, unknown>[];
    assert.equal(events.length, 1, `the last call before SIGTERM was written: ${JSON.stringify(found.body)}`);
    assert.equal(events[0]?.sourceIpAddress, '192.0.2.250');

    const still = await sdkError(whoAmI(openApiClient(server, aliceKey), '203.0.113.9'), 'after restart');
    assert.equal(still.code, 'InvalidAccessKeyId.AccessPolicyDenied');
    const ok = await whoAmI(openApiClient(server, aliceKey), '198.51.100.7');
    assert.equal(ok.body.IdentityType, 'RAMUser');
  });
});
