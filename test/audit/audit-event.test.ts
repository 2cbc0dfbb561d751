import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { type AuditedRequest, buildAuditEvent, type EventContext } from '../../src/audit/audit-event.js';
import { toStoredEvent } from '../../src/audit/stored-event.js';
import { formatAlibabaTime, parseAlibabaTime } from '../../src/common/alibaba-time.js';
import type { RoleId, RoleName, UserId, UserName } from '../../src/store/index.js';
import {
  ACCOUNT,
  denied,
  OTHER_ACCOUNT,
  ROOT_KEY,
  requestRecord,
  roleCaller,
  STS_KEY,
  USER_KEY,
  userCaller,
} from './support.js';

const context: EventContext = {
  eventId: 'E0000000-0000-4000-8000-000000000001',
  principal: undefined,
  region: 'cn-hangzhou',
};

/** The store's answer for alice's key (userCaller's). */
const aliceContext: EventContext = {
  ...context,
  principal: {
    type: 'ram-user',
    accountId: ACCOUNT,
    userName: 'alice' as UserName,
    userId: '2001' as UserId,
  },
};
/** alice as an event names her, with the ID the store gives. */
const ALICE_IDENTITY = {
  type: 'ram-user',
  accountId: ACCOUNT,
  principalId: '2001',
  userName: 'alice',
  accessKeyId: USER_KEY,
};

/** The event of a request naming alice's key that was refused (400) with `errorCode` before it had a caller. */
const refusedNamingAlicesKey = (errorCode: string, changes: Partial<AuditedRequest> = {}) =>
  buildAuditEvent(
    requestRecord({
      caller: null,
      claimedAccessKeyId: USER_KEY,
      decision: null,
      errorCode,
      httpStatus: 400,
      ...changes,
    }),
    aliceContext,
  );

describe('audit events', () => {
  test('an allowed call has ActionTrail fields and the decision', () => {
    const built = buildAuditEvent(requestRecord(), context);
    assert.equal(built.accountId, ACCOUNT);
    assert.deepEqual(built.at, new Date('2024-05-06T07:08:09.123Z'));
    assert.deepEqual(built.event, {
      eventId: context.eventId,
      eventName: 'ListUsers',
      eventType: 'ApiCall',
      eventCategory: 'Management',
      eventRW: 'Read',
      eventTime: '2024-05-06T07:08:09Z',
      eventSource: 'ims.aliyuncs.com',
      eventVersion: 1,
      serviceName: 'Ims',
      acsRegion: 'cn-hangzhou',
      requestId: 'A1B2C3D4-0000-4000-8000-000000000001',
      apiVersion: '2019-08-15',
      userAgent: 'AlibabaCloud (linux; x64) Node.js/v20 Core/1.0.1 TeaDSL/2',
      sourceIpAddress: '192.0.2.10',
      vpcId: null,
      errorCode: null,
      errorMessage: null,
      requestParameters: {},
      userIdentity: {
        type: 'root-account',
        accountId: ACCOUNT,
        principalId: ACCOUNT,
        userName: 'root',
        accessKeyId: ROOT_KEY,
      },
      keyfence: {
        allowed: true,
        reason: 'public-ip-allowed',
        scope: 'accessKey',
        statement: 0,
        policyVersion: 7,
        appliedVersion: 12,
        authenticated: true,
        authentication: 'signature',
        entryPoint: 'rpc',
        service: 'ims',
        request: null,
        httpStatus: 200,
        sourceFault: null,
        count: 1,
        lastTime: null,
      },
    });
  });

  test('a denied call keeps its error, source VPC and the deciding scope', () => {
    const { event, accountId } = buildAuditEvent(
      requestRecord({
        action: 'CreateUser',
        source: { ip: '10.1.2.3', vpcId: 'vpc-abc123', fault: null },
        decision: denied,
        errorCode: 'InvalidAccessKeyId.AccessPolicyDenied',
        errorMessage: 'Specified access key denied due to access policy.',
        httpStatus: 400,
      }),
      context,
    );
    assert.equal(accountId, ACCOUNT);
    assert.equal(event.eventRW, 'Write');
    assert.equal(event.vpcId, 'vpc-abc123');
    assert.equal(event.sourceIpAddress, '10.1.2.3');
    assert.equal(event.errorCode, 'InvalidAccessKeyId.AccessPolicyDenied');
    assert.deepEqual(event.keyfence, {
      allowed: false,
      reason: 'public-ip-not-allowed',
      scope: 'account',
      statement: null,
      policyVersion: 3,
      appliedVersion: 12,
      authenticated: true,
      authentication: 'signature',
      entryPoint: 'rpc',
      service: 'ims',
      request: null,
      httpStatus: 400,
      sourceFault: null,
      count: 1,
      lastTime: null,
    });
  });

  test('a forward-auth call names its entry point, service and original request, masked', () => {
    const token = 'CAISsecret-security-token-0123456789';
    const { event } = buildAuditEvent(
      requestRecord({
        action: 'DescribeInstances',
        version: '2014-05-26',
        product: null,
        params: { SecurityToken: token },
        authentication: 'access-key-id',
        entryPoint: 'forward-auth',
        service: 'ecs',
        original: { method: 'GET', host: 'ecs.example.com', path: `/v1/${token}/instances` },
      }),
      context,
    );
    assert.equal(event.eventSource, 'ecs.example.com');
    assert.equal(event.serviceName, null);
    assert.equal(event.keyfence.entryPoint, 'forward-auth');
    assert.equal(event.keyfence.service, 'ecs');
    assert.equal(event.keyfence.authentication, 'access-key-id');
    // Named by its AccessKeyId, not proven by KeyFence.
    assert.equal(event.keyfence.authenticated, false);
    assert.deepEqual(event.keyfence.request, {
      method: 'GET',
      host: 'ecs.example.com',
      path: '/v1/***/instances',
    });
  });

  test('an event standing for several requests says how many and when the last arrived, to the ms', () => {
    const record = requestRecord({ entryPoint: 'gateway' });
    const folded = { count: 42, lastTime: new Date('2024-05-06T07:08:09.987Z') };
    const { event, at } = buildAuditEvent(record, { ...context, folded });
    assert.equal(event.keyfence.count, 42);
    assert.equal(event.keyfence.lastTime, '2024-05-06T07:08:09.987Z');
    // Everything else is the first request's.
    assert.equal(event.requestId, record.requestId);
    assert.equal(event.eventTime, '2024-05-06T07:08:09Z');
    assert.equal(at, record.time);
    assert.equal(JSON.parse(toStoredEvent({ event, at, accountId: ACCOUNT }).document).keyfence.count, 42);
  });

  test('eventRW is Read for Get*, List*, Lookup*, Check*, Recommend* and Simulate*, Write otherwise', () => {
    const rw = (action: string | null) => buildAuditEvent(requestRecord({ action }), context).event.eventRW;
    assert.equal(rw('GetUser'), 'Read');
    assert.equal(rw('ListAccessKeys'), 'Read');
    assert.equal(rw('LookupEvents'), 'Read');
    assert.equal(rw('GetCallerIdentity'), 'Read');
    assert.equal(rw('CheckAccessKeyAccess'), 'Read');
    assert.equal(rw('RecommendAccessKeyPolicy'), 'Read');
    assert.equal(rw('SimulateAccessKeyPolicy'), 'Read');
    assert.equal(rw('Checkout'), 'Write');
    assert.equal(rw('SetAccessKeyPolicy'), 'Write');
    assert.equal(rw('AssumeRole'), 'Write');
    assert.equal(rw('Getaway'), 'Write');
    assert.equal(rw(null), 'Write');
  });

  test('a RAM user and an assumed role are named with the IDs the store gives', () => {
    const user = buildAuditEvent(requestRecord({ caller: userCaller }), aliceContext);
    assert.deepEqual(user.event.userIdentity, ALICE_IDENTITY);
    const role = buildAuditEvent(
      requestRecord({ caller: roleCaller, product: 'Sts', action: 'GetCallerIdentity' }),
      {
        ...context,
        principal: {
          type: 'assumed-role',
          accountId: ACCOUNT,
          roleName: 'Deployer' as RoleName,
          roleId: '300000000000000001' as RoleId,
          roleSessionName: 'ci-run',
        },
      },
    );
    assert.deepEqual(role.event.userIdentity, {
      type: 'assumed-role',
      accountId: ACCOUNT,
      principalId: '300000000000000001:ci-run',
      userName: 'Deployer:ci-run',
      accessKeyId: STS_KEY,
    });
    assert.equal(role.event.eventSource, 'sts.aliyuncs.com');
  });

  test('without the store`s answer (a deleted user) the caller is still named, without an ID', () => {
    const { event } = buildAuditEvent(requestRecord({ caller: userCaller }), context);
    assert.deepEqual(event.userIdentity, {
      type: 'ram-user',
      accountId: ACCOUNT,
      principalId: null,
      userName: 'alice',
      accessKeyId: USER_KEY,
    });
    const foreign = buildAuditEvent(requestRecord({ caller: userCaller }), {
      ...context,
      principal: {
        type: 'ram-user',
        accountId: OTHER_ACCOUNT,
        userName: 'alice' as UserName,
        userId: '9' as UserId,
      },
    });
    assert.equal(foreign.event.userIdentity.principalId, null);
    assert.equal(foreign.accountId, ACCOUNT);
  });

  test('a request that failed authentication without proof belongs to no account, whatever key it named', () => {
    for (const errorCode of [
      'SignatureDoesNotMatch',
      'InvalidAccessKeyId.NotFound',
      'InvalidTimeStamp.Expired',
    ]) {
      const built = refusedNamingAlicesKey(errorCode, { errorMessage: 'refused' });
      assert.equal(built.accountId, null, errorCode);
      assert.deepEqual(built.event.userIdentity, {
        type: 'unknown',
        accountId: null,
        principalId: null,
        userName: null,
        accessKeyId: USER_KEY,
      });
      assert.equal(built.event.keyfence.authenticated, false);
      assert.equal(built.event.keyfence.allowed, null);
    }
  });

  test('a request refused after its signature checked out belongs to the key`s account', () => {
    for (const errorCode of [
      'InvalidAccessKeyId.Inactive',
      'SignatureNonceUsed',
      'InvalidSecurityToken.Expired',
    ]) {
      const built = refusedNamingAlicesKey(errorCode);
      assert.equal(built.accountId, ACCOUNT, errorCode);
      assert.deepEqual(built.event.userIdentity, ALICE_IDENTITY);
      assert.equal(built.event.keyfence.authenticated, false);
    }
    const unknownKey = buildAuditEvent(
      requestRecord({
        caller: null,
        claimedAccessKeyId: USER_KEY,
        decision: null,
        errorCode: 'SignatureNonceUsed',
      }),
      context,
    );
    assert.equal(unknownKey.accountId, null);
  });

  test('a request that named no API or version has nulls, not guesses', () => {
    const { event } = buildAuditEvent(
      requestRecord({
        action: null,
        version: null,
        product: null,
        caller: null,
        decision: null,
        userAgent: null,
        errorCode: 'MissingAccessKeyId',
        source: { ip: '198.51.100.7', vpcId: null, fault: 'InvalidSource.ForwardedAddress' },
      }),
      context,
    );
    assert.equal(event.eventName, null);
    assert.equal(event.serviceName, null);
    assert.equal(event.eventSource, null);
    assert.equal(event.apiVersion, null);
    assert.equal(event.userAgent, null);
    assert.equal(event.userIdentity.accessKeyId, null);
    assert.equal(event.keyfence.sourceFault, 'InvalidSource.ForwardedAddress');
  });

  test('the stored form files the event under its filter columns', () => {
    const built = buildAuditEvent(
      requestRecord({ caller: userCaller, errorCode: 'NoPermission', errorMessage: 'no', httpStatus: 403 }),
      context,
    );
    const stored = toStoredEvent(built);
    assert.deepEqual(
      { ...stored, document: undefined },
      {
        eventId: context.eventId,
        accountId: ACCOUNT,
        at: built.at,
        requestId: built.event.requestId,
        accessKeyId: USER_KEY,
        userName: 'alice',
        eventName: 'ListUsers',
        serviceName: 'Ims',
        eventRW: 'Read',
        sourceIp: '192.0.2.10',
        errorCode: 'NoPermission',
        appliedVersion: 12,
        document: undefined,
        rollup: { vpcId: null, service: 'ims', count: 1, lastTime: null },
      },
    );
    assert.deepEqual(JSON.parse(stored.document), built.event);
  });

  test('the stored form hands the key-source rollups the fields of its document they read', () => {
    const text = fc.string({ unit: fc.constantFrom('\u0000', '\uD800', '\uD83D\uDE00', 'a', '-', '"') });
    fc.assert(
      fc.property(
        fc.option(text),
        fc.option(text),
        fc.option(fc.record({ count: fc.integer({ min: 2, max: 10_000 }), ms: fc.nat(999) })),
        (vpcId, service, folded) => {
          const record = requestRecord({ source: { ip: '192.0.2.10', vpcId, fault: null }, service });
          const stored = toStoredEvent(
            buildAuditEvent(record, {
              ...context,
              folded:
                folded === null
                  ? undefined
                  : { count: folded.count, lastTime: new Date(record.time.getTime() + folded.ms) },
            }),
          );
          const document = JSON.parse(stored.document);
          assert.deepEqual(stored.rollup, {
            vpcId: document.vpcId,
            service: document.keyfence.service,
            count: document.keyfence.count,
            lastTime: document.keyfence.lastTime,
          });
        },
      ),
    );
  });

  test('every event carries its own arrival second, whatever order the records come in', () => {
    // Mostly within a few seconds of each other, so that many share a second, out of order.
    const arrival = fc.oneof(
      fc.integer({ min: 1_700_000_000_000, max: 1_700_000_003_000 }),
      fc.integer({ min: 0, max: 4_102_444_800_000 }),
    );
    fc.assert(
      fc.property(fc.array(arrival, { maxLength: 20 }), (times) => {
        for (const ms of times) {
          const time = new Date(ms);
          const { event } = buildAuditEvent(requestRecord({ time }), context);
          assert.equal(event.eventTime, formatAlibabaTime(time));
        }
      }),
    );
  });

  test('event times are UTC to the second and parse back strictly', () => {
    assert.equal(formatAlibabaTime(new Date('2024-02-29T23:59:59.999Z')), '2024-02-29T23:59:59Z');
    assert.deepEqual(parseAlibabaTime('2024-02-29T23:59:59Z'), new Date('2024-02-29T23:59:59Z'));
    for (const bad of [
      '2023-02-29T00:00:00Z',
      '2024-13-01T00:00:00Z',
      '2024-01-01T24:00:00Z',
      '2024-01-01T00:00:00',
      '2024-01-01T00:00:00.000Z',
      '2024-01-01 00:00:00Z',
      '2024-01-01T00:00:00+08:00',
      ' 2024-01-01T00:00:00Z',
      '',
    ]) {
      assert.equal(parseAlibabaTime(bad), undefined, bad);
    }
  });
});
