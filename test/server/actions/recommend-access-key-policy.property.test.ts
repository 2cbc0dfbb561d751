/**
 * RecommendAccessKeyPolicy against the truth computed from the raw events, through a real server
 * on SQLite and PostgreSQL: random traffic (coalesced events, denials, VPC sources, several days,
 * three keys of which one has an Active policy of its own) appended to the audit log, then a
 * recommendation for one key or for the account with a random Coverage and MinCalls; the answer
 * is the pure recommendation over the allowed calls of the keys in scope, summed per source.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { ObservedSource } from '../../../src/insights/recommend-input.js';
import { recommendPolicy } from '../../../src/insights/recommend-policy.js';
import { DEFAULT_POLICY_LIMITS } from '../../../src/policy/policy-limits.js';
import { serializePolicy } from '../../../src/policy/serialize-policy.js';
import type { NewAuditEvent } from '../../../src/store/index.js';
import { useDialects } from '../../store/support/dialects.js';
import { call, expectSuccess } from '../../support/server-harness.js';
import { bobAndCarolKeys } from './support/bob-and-carol.js';
import { classic, KEYFENCE_VERSION, startCheckServer } from './support/check-server.js';
import { aDecidedTraffic, decidedEvent } from './support/decided-traffic.js';
import { lastCallOf } from './support/seeded-event.js';

const SOURCES = ['203.0.113.5', '203.0.113.6', '198.51.100.7', '2001:db8::1', '10.0.0.1'];
const format = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

const aTraffic = aDecidedTraffic(SOURCES.length, [null, null, 'vpc-a']);

const aRequest = fc.record({
  key: fc.constantFrom(0, 1, undefined),
  coverage: fc.integer({ min: 1, max: 100 }),
  minCalls: fc.integer({ min: 1, max: 60 }),
});

for (const fixture of useDialects()) {
  describe(`RecommendAccessKeyPolicy against the raw events on ${fixture.name}`, async () => {
    const t = await startCheckServer(fixture);
    const keys = await bobAndCarolKeys(t);
    // keys[0] follows its own policy: an account-level recommendation leaves its traffic out.
    await t.setPolicy(
      { kind: 'accessKey', key: { accessKeyId: keys[0]!, accessKeySecret: '' } },
      classic('203.0.113.0/24'),
    );
    const start = Date.now();
    const events: NewAuditEvent[] = [];

    /** The sources of the keys in scope with their allowed calls and last use, as the raw events say. */
    function truth(key: number | undefined): ObservedSource[] {
      const sources = new Map<
        string,
        { sourceIp: string; vpcId: string | null; calls: number; lastSeen: Date }
      >();
      for (const event of events) {
        const inScope = key === undefined ? event.accessKeyId !== keys[0] : event.accessKeyId === keys[key];
        if (!inScope) continue;
        const document = JSON.parse(event.document);
        const id = `${event.accessKeyId}\n${event.sourceIp}\n${document.vpcId}`;
        const last = lastCallOf(event);
        const source = sources.get(id) ?? {
          sourceIp: event.sourceIp,
          vpcId: document.vpcId,
          calls: 0,
          lastSeen: new Date(0),
        };
        if (event.errorCode === null) source.calls += document.keyfence.count;
        if (last > source.lastSeen.getTime()) source.lastSeen = new Date(last);
        sources.set(id, source);
      }
      // A rollup keeps one last use per key and source, of any outcome; a key's sources it was never
      // allowed from are left out. The recommendation adds up the keys' rows of each source.
      return [...sources.values()].filter((source) => source.calls > 0);
    }

    test('the answer is the recommendation over the raw events of the keys in scope', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(aTraffic, { maxLength: 25 }), aRequest, async (traffic, request) => {
          const batch = traffic.map((item) =>
            decidedEvent('RP', t.accountId, keys[item.key]!, SOURCES[item.source]!, item, start),
          );
          await t.store.appendAuditEvents(batch);
          events.push(...batch);
          const params: Record<string, string> = {
            Coverage: String(request.coverage),
            MinCalls: String(request.minCalls),
          };
          if (request.key !== undefined) params.AccessKeyId = keys[request.key]!;
          const body = expectSuccess(
            await call(t.port, {
              action: 'RecommendAccessKeyPolicy',
              version: KEYFENCE_VERSION,
              credentials: t.root,
              params,
            }),
          );
          const expected = recommendPolicy(truth(request.key), {
            coverage: request.coverage,
            minCalls: request.minCalls,
            limits: DEFAULT_POLICY_LIMITS,
            bound: { v4: 16, v6: 48 },
          });
          assert.equal(body.AccessKeyPolicy, serializePolicy(expected.policy));
          assert.deepEqual(
            body.Entries,
            expected.entries.map((e) => ({
              StatementIndex: e.statement,
              Entry: e.entry,
              Sources: e.sources.length,
              Calls: e.calls,
              LastSeen: format(e.lastSeen.getTime()),
              Addresses: String(e.addresses),
            })),
          );
          assert.deepEqual(
            body.Uncovered,
            expected.uncovered.map((u) => ({
              SourceIp: u.sourceIp,
              ...(u.vpcId === null ? {} : { VpcId: u.vpcId }),
              Calls: u.calls,
              LastSeen: format(u.lastSeen.getTime()),
              Reason: u.reason,
            })),
          );
          assert.equal(body.CoveredCalls, expected.coveredCalls);
          assert.equal(body.TotalCalls, expected.totalCalls);
        }),
        { numRuns: 15 },
      );
    });
  });
}
