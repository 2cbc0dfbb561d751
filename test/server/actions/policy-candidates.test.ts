/**
 * Report-only candidates through the server (docs/server.md, "Report-only candidates"), on SQLite
 * and PostgreSQL: staged through the API, evaluated beside every decision without changing its
 * outcome, counted exactly (rollups, ListAccessKeySources, the metric), promoted as an ordinary
 * policy change; bad input changes nothing.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { AccessKeyId } from '../../../src/store/index.js';
import { useDialects } from '../../store/support/dialects.js';
import { type Credentials, call, expectSuccess, send } from '../../support/server-harness.js';
import { classic, KEYFENCE_VERSION, startCheckServer } from './support/check-server.js';

const identity = { action: 'GetCallerIdentity', version: '2015-04-01' } as const;
// The candidate allows 198.51.100.0/24 only: calls from the others are the would-deny ones.
const SOURCES = ['198.51.100.5', '198.51.100.200', '203.0.113.9', '192.0.2.44'];
const wouldDeny = (ip: string) => !ip.startsWith('198.51.100.');

function series(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.slice(name.length + 1));
}

for (const fixture of useDialects()) {
  describe(`report-only candidates through the server on ${fixture.name}`, async () => {
    const t = await startCheckServer(fixture);
    const keyfence = (
      action: string,
      params: Record<string, string> = {},
      credentials: Credentials = t.root,
    ) => call(t.port, { action, version: KEYFENCE_VERSION, credentials, params });
    const aliceKey = t.alice.accessKeyId;
    const candidateOfAlice = async () =>
      (await t.check({ AccessKeyId: aliceKey, SourceIp: '203.0.113.9' })).body;
    const metric = async (outcome: string) =>
      series(
        (await send(t.port, { path: '/metrics' })).text,
        `keyfence_candidate_decisions_total{scope="account",outcome="${outcome}"}`,
      );

    test('bad input is refused with a stable code and nothing changes', async () => {
      const before = await t.store.currentVersion();
      const other = await t.store.write(async (tx) => {
        const account = await tx.createAccount();
        return tx.createAccessKey(account.accountId);
      });
      const afterOther = await t.store.currentVersion();
      const malformed = await keyfence('SetAccessKeyPolicyCandidate', {
        AccessKeyPolicy:
          '{"Version":1,"Status":"Active","Statements":[{"Type":"ClassicWhiteList","IPList":["300.1.1.1"]}]}',
      });
      assert.equal(malformed.body.Code, 'InvalidParameter.AccessKeyPolicy');
      assert.ok(malformed.body.PolicyProblems.length > 0);
      assert.equal(
        (await keyfence('SetAccessKeyPolicyCandidate')).body.Code,
        'MissingParameter.AccessKeyPolicy',
      );
      for (const accessKeyId of [
        other.accessKeyId,
        'LTAIunknownKeyUnknown001',
        'STS.NSomeTemporaryKeyId0001',
      ]) {
        const reply = await keyfence('SetAccessKeyPolicyCandidate', {
          UserAccessKeyId: accessKeyId,
          AccessKeyPolicy: JSON.stringify(classic('198.51.100.0/24')),
        });
        assert.equal(reply.status, 404);
        assert.equal(reply.body.Code, 'EntityNotExist.User.AccessKey');
      }
      for (const action of [
        'GetAccessKeyPolicyCandidate',
        'DeleteAccessKeyPolicyCandidate',
        'PromoteAccessKeyPolicyCandidate',
      ]) {
        const reply = await keyfence(action);
        assert.equal(reply.status, 404, action);
        assert.equal(reply.body.Code, 'EntityNotExist.AccessKeyPolicyCandidate');
      }
      assert.ok(afterOther > before);
      assert.equal(await t.store.currentVersion(), afterOther, 'nothing changed');
      assert.equal((await keyfence('SetAccessKeyPolicyCandidate', {}, t.alice)).body.Code, 'NoPermission');
    });

    test('a candidate changes no outcome and its would-deny counts are exact', async () => {
      const staged = expectSuccess(
        await keyfence('SetAccessKeyPolicyCandidate', {
          AccessKeyPolicy: JSON.stringify(classic('198.51.100.0/24')),
        }),
      );
      assert.equal(typeof staged.CandidateVersion, 'number');
      const got = expectSuccess(await keyfence('GetAccessKeyPolicyCandidate'));
      assert.equal(got.AccessKeyPolicy, staged.AccessKeyPolicy);
      assert.equal(got.CandidateVersion, staged.CandidateVersion);
      assert.equal(got.PolicyVersion, 0);
      const deadline = Date.now() + 5000;
      while ((await candidateOfAlice()).Candidate === undefined) {
        assert.ok(Date.now() < deadline, 'the server never evaluated the candidate');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.deepEqual((await candidateOfAlice()).Candidate, {
        Allowed: false,
        Reason: 'public-ip-not-allowed',
        Scope: 'Account',
        StatementIndex: null,
        PolicyVersion: staged.CandidateVersion,
      });
      assert.equal((await candidateOfAlice()).Allowed, true, 'the decision is what it was');

      const expected = new Map<string, number>();
      let denied = 0;
      let allowed = 0;
      const deniedBefore = await metric('would_deny');
      const allowedBefore = await metric('would_allow');
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.constantFrom(...SOURCES), { minLength: 1, maxLength: 30 }),
          async (sources) => {
            for (const ip of sources) {
              const reply = await call(t.port, {
                ...identity,
                credentials: t.alice,
                headers: { 'x-forwarded-for': ip },
              });
              assert.equal(reply.status, 200, 'no policy is in force: every call passes');
              expected.set(ip, (expected.get(ip) ?? 0) + (wouldDeny(ip) ? 1 : 0));
              if (wouldDeny(ip)) denied++;
              else allowed++;
            }
          },
        ),
        { numRuns: 8 },
      );
      await t.sink.flush();
      assert.equal((await metric('would_deny')) - deniedBefore, denied);
      assert.equal((await metric('would_allow')) - allowedBefore, allowed);
      const rollups = await t.store.keySourceRollups({
        accountId: t.accountId,
        accessKeyId: aliceKey as AccessKeyId,
        from: new Date(Date.now() - 86_400_000),
        to: new Date(),
      });
      for (const ip of SOURCES) {
        const row = rollups.find((r) => r.sourceIp === ip);
        assert.equal(row?.candidateDenied ?? 0, expected.get(ip) ?? 0, ip);
      }
      const listed = expectSuccess(await keyfence('ListAccessKeySources', { AccessKeyId: aliceKey }));
      for (const source of listed.Sources) {
        assert.equal(source.CandidateDeniedCalls, expected.get(source.SourceIp) ?? 0, source.SourceIp);
      }
    });

    test('promote is an ordinary policy change: version check, receipt, candidate gone', async () => {
      const stale = await keyfence('PromoteAccessKeyPolicyCandidate', { ExpectedPolicyVersion: '999' });
      assert.equal(stale.status, 409);
      assert.equal(stale.body.Code, 'PolicyVersionConflict');
      assert.ok(expectSuccess(await keyfence('GetAccessKeyPolicyCandidate')).AccessKeyPolicy, 'still staged');
      const promoted = expectSuccess(
        await keyfence('PromoteAccessKeyPolicyCandidate', { ExpectedPolicyVersion: '0' }),
      );
      assert.equal(typeof promoted.PolicyVersion, 'number');
      assert.equal(
        (await keyfence('GetAccessKeyPolicyCandidate')).body.Code,
        'EntityNotExist.AccessKeyPolicyCandidate',
      );
      const enforced = await t.store.getPolicy({ scope: 'account', accountId: t.accountId });
      assert.equal(enforced.version, promoted.PolicyVersion);
      assert.equal(enforced.policy, promoted.AccessKeyPolicy);
      const deadline = Date.now() + 5000;
      while ((await candidateOfAlice()).Allowed) {
        assert.ok(Date.now() < deadline, 'the promoted policy was never enforced');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.equal((await candidateOfAlice()).Candidate, undefined);

      // A key-level candidate, deleted unpromoted.
      const staged = expectSuccess(
        await keyfence('SetAccessKeyPolicyCandidate', {
          UserAccessKeyId: aliceKey,
          AccessKeyPolicy: JSON.stringify(classic('203.0.113.0/24')),
        }),
      );
      assert.equal(staged.AccessKeyId, aliceKey);
      expectSuccess(await keyfence('DeleteAccessKeyPolicyCandidate', { UserAccessKeyId: aliceKey }));
      assert.equal(
        (await keyfence('GetAccessKeyPolicyCandidate', { UserAccessKeyId: aliceKey })).body.Code,
        'EntityNotExist.AccessKeyPolicyCandidate',
      );
    });

    test('the lockout guard refuses a promotion that would lock out its own call', async () => {
      expectSuccess(
        await keyfence('SetAccessKeyPolicyCandidate', {
          UserAccessKeyId: t.root.accessKeyId,
          AccessKeyPolicy: JSON.stringify(classic('198.51.100.0/24')),
        }),
      );
      const refused = await keyfence('PromoteAccessKeyPolicyCandidate', {
        UserAccessKeyId: t.root.accessKeyId,
      });
      assert.equal(refused.body.Code, 'LockoutPrevented');
      assert.ok(
        expectSuccess(await keyfence('GetAccessKeyPolicyCandidate', { UserAccessKeyId: t.root.accessKeyId })),
      );
    });

    test('signed with HMAC-SHA1 (V2), whose AccessKeyId is the signing key, Set without UserAccessKeyId stages the account-level candidate', async () => {
      const v2 = (action: string, params: Record<string, string> = {}) =>
        call(t.port, { action, version: KEYFENCE_VERSION, credentials: t.root, params, signature: 'v2' });
      const ofRoot = expectSuccess(
        await keyfence('GetAccessKeyPolicyCandidate', { UserAccessKeyId: t.root.accessKeyId }),
      ).AccessKeyPolicy;
      const staged = expectSuccess(
        await v2('SetAccessKeyPolicyCandidate', { AccessKeyPolicy: JSON.stringify(classic('192.0.2.0/24')) }),
      );
      assert.equal(staged.AccessKeyId, undefined, 'the answer names no key: the account-level candidate');
      const account = expectSuccess(await keyfence('GetAccessKeyPolicyCandidate'));
      assert.equal(account.AccessKeyPolicy, staged.AccessKeyPolicy);
      assert.equal(
        expectSuccess(await keyfence('GetAccessKeyPolicyCandidate', { UserAccessKeyId: t.root.accessKeyId }))
          .AccessKeyPolicy,
        ofRoot,
        "the signing key's candidate is untouched",
      );
      const ofAlice = expectSuccess(
        await v2('SetAccessKeyPolicyCandidate', {
          UserAccessKeyId: aliceKey,
          AccessKeyPolicy: JSON.stringify(classic('192.0.2.0/24')),
        }),
      );
      assert.equal(ofAlice.AccessKeyId, aliceKey);
      expectSuccess(await v2('DeleteAccessKeyPolicyCandidate', { UserAccessKeyId: aliceKey }));
      expectSuccess(await v2('DeleteAccessKeyPolicyCandidate'));
      assert.equal(
        (await keyfence('GetAccessKeyPolicyCandidate')).body.Code,
        'EntityNotExist.AccessKeyPolicyCandidate',
      );
    });
  });
}
