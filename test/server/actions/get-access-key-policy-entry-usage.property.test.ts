/**
 * GetAccessKeyPolicyEntryUsage against the truth computed from the raw events, through a real
 * server on SQLite and PostgreSQL: random traffic (coalesced events, denials, VPC and IPv4-mapped
 * sources, several days, three keys: one with an Active policy of its own, one with an Inactive
 * one) appended to the audit log while the policies stay fixed; each allowed event is decided by a
 * fresh DecisionIndex under the scope's policy and its entry found by brute force.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { formatAddress, parseAddress } from '../../../src/net/address.js';
import { parseCidr } from '../../../src/net/cidr.js';
import { DecisionIndex } from '../../../src/policy/decision-index.js';
import type { AccessKeyPolicy } from '../../../src/policy/policy-document.js';
import type { NewAuditEvent } from '../../../src/store/index.js';
import { useDialects } from '../../store/support/dialects.js';
import { call, expectSuccess } from '../../support/server-harness.js';
import { bobAndCarolKeys } from './support/bob-and-carol.js';
import { KEYFENCE_VERSION, startCheckServer } from './support/check-server.js';
import { aDecidedTraffic, decidedEvent } from './support/decided-traffic.js';
import { lastCallOf } from './support/seeded-event.js';

const SOURCES = [
  '203.0.113.5',
  '203.0.113.6',
  '::ffff:203.0.113.6',
  '198.51.100.7',
  '2001:db8::1',
  '10.0.0.1',
];
const format = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

const ACCOUNT_POLICY: AccessKeyPolicy = {
  Version: 1,
  Status: 'Active',
  Statements: [
    { Type: 'VPCWhiteList', Value: 'AllowAllVPC', IPList: ['10.0.0.0/8'] },
    { Type: 'ClassicWhiteList', IPList: ['203.0.113.0/24', '203.0.113.5', '2001:db8::/32', '192.0.2.1'] },
    { Type: 'VPCWhiteList', Value: 'vpc-a', IPList: ['10.0.0.1', '0.0.0.0/0'] },
  ],
};
const OWN_POLICY: AccessKeyPolicy = {
  Version: 1,
  Status: 'Active',
  Statements: [{ Type: 'ClassicWhiteList', IPList: ['198.51.100.0/24', '203.0.113.5'] }],
};
const INACTIVE_POLICY: AccessKeyPolicy = {
  Version: 1,
  Status: 'Inactive',
  Statements: [
    { Type: 'ClassicWhiteList', IPList: ['203.0.113.6'] },
    { Type: 'VPCWhiteList', Value: 'vpc-a', IPList: ['10.0.0.0/16'] },
  ],
};

const aTraffic = aDecidedTraffic(SOURCES.length, [null, null, 'vpc-a', 'vpc-b']);

/** The first entry of the statement containing `ip`, by the ranges parseCidr gives. */
function bruteForceEntry(policy: AccessKeyPolicy, statement: number, ip: string): number {
  const address = parseAddress(ip);
  assert.ok(address.ok);
  const client = parseCidr(formatAddress(address.value));
  assert.ok(client.ok);
  const value = (words: number | readonly number[]) =>
    typeof words === 'number' ? BigInt(words) : words.reduce((acc, w) => (acc << 32n) | BigInt(w), 0n);
  return policy.Statements[statement]!.IPList.findIndex((text) => {
    const entry = parseCidr(text);
    assert.ok(entry.ok);
    const e = entry.value;
    const c = client.value;
    return e.family === c.family && value(e.first) <= value(c.first) && value(c.first) <= value(e.last);
  });
}

for (const fixture of useDialects()) {
  describe(`GetAccessKeyPolicyEntryUsage against the raw events on ${fixture.name}`, async () => {
    const t = await startCheckServer(fixture);
    const keys = await bobAndCarolKeys(t);
    const credentials = (k: number) => ({ accessKeyId: keys[k]!, accessKeySecret: '' });
    await t.setPolicy({ kind: 'accessKey', key: credentials(0) }, OWN_POLICY);
    await t.setPolicy({ kind: 'accessKey', key: credentials(2) }, INACTIVE_POLICY);
    await t.setPolicy({ kind: 'account' }, ACCOUNT_POLICY);
    const start = Date.now();
    const events: NewAuditEvent[] = [];

    /** Per entry of the scope's policy: hits, distinct sources and last hit, from the raw events. */
    function truth(key: number | undefined) {
      const policy = key === undefined ? ACCOUNT_POLICY : key === 0 ? OWN_POLICY : INACTIVE_POLICY;
      const index = new DecisionIndex();
      index.setKey('probe', 'probe-account', { ...policy, Status: 'Active' }, 1);
      // A rollup keeps one last use per key and source, whatever the outcome.
      const lastUse = new Map<string, number>();
      for (const event of events) {
        const document = JSON.parse(event.document);
        const id = `${event.accessKeyId} ${canonical(event.sourceIp)} ${document.vpcId}`;
        const last = lastCallOf(event);
        lastUse.set(id, Math.max(lastUse.get(id) ?? 0, last));
      }
      const usage = new Map<string, { hits: number; sources: Set<string>; lastHit: number }>();
      let uncovered = 0;
      for (const event of events) {
        // Keys 1 and 2 have no Active policy of their own: the account's governs them.
        const inScope = key === undefined ? event.accessKeyId !== keys[0] : event.accessKeyId === keys[key];
        if (!inScope || event.errorCode !== null) continue;
        const document = JSON.parse(event.document);
        const source = { ip: event.sourceIp, vpcId: document.vpcId ?? undefined };
        const calls = document.keyfence.count as number;
        const { statement } = index.decide({ accessKeyId: 'probe', temporary: false }, source, '');
        if (statement < 0) {
          uncovered += calls;
          continue;
        }
        const entry = bruteForceEntry(policy, statement, event.sourceIp);
        const id = `${statement} ${entry}`;
        const u = usage.get(id) ?? { hits: 0, sources: new Set<string>(), lastHit: 0 };
        u.hits += calls;
        u.sources.add(`${canonical(event.sourceIp)} ${document.vpcId}`);
        const last = lastUse.get(`${event.accessKeyId} ${canonical(event.sourceIp)} ${document.vpcId}`)!;
        u.lastHit = Math.max(u.lastHit, last);
        usage.set(id, u);
      }
      const entries = policy.Statements.flatMap((s, statement) =>
        s.IPList.map((entry, e) => {
          const u = usage.get(`${statement} ${e}`);
          return {
            StatementIndex: statement,
            Type: s.Type,
            ...(s.Type === 'VPCWhiteList' ? { Value: s.Value } : {}),
            Entry: entry,
            Hits: u?.hits ?? 0,
            Sources: u?.sources.size ?? 0,
            ...(u === undefined ? {} : { LastHit: format(u.lastHit) }),
          };
        }),
      );
      return { entries, uncovered };
    }

    test('the answer is what the raw allowed events of the keys in scope matched', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(aTraffic, { maxLength: 25 }),
          fc.constantFrom(0, 2, undefined),
          async (traffic, key) => {
            const batch = traffic.map((item) =>
              decidedEvent('EU', t.accountId, keys[item.key]!, SOURCES[item.source]!, item, start),
            );
            await t.store.appendAuditEvents(batch);
            events.push(...batch);
            const body = expectSuccess(
              await call(t.port, {
                action: 'GetAccessKeyPolicyEntryUsage',
                version: KEYFENCE_VERSION,
                credentials: t.root,
                params: key === undefined ? {} : { AccessKeyId: keys[key]! },
              }),
            );
            const expected = truth(key);
            assert.deepEqual(body.Entries, expected.entries);
            assert.equal(body.UncoveredCalls, expected.uncovered);
          },
        ),
        { numRuns: 15 },
      );
    });
  });
}

function canonical(ip: string): string {
  const parsed = parseAddress(ip);
  assert.ok(parsed.ok);
  return formatAddress(parsed.value);
}
