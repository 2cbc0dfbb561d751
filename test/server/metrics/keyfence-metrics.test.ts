import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditCounters } from '../../../src/audit/audit-writer.js';
import { DecisionIndex } from '../../../src/policy/decision-index.js';
import { parsePolicy } from '../../../src/policy/parse-policy.js';
import { DECISION_TIMING_SAMPLE, DecisionCounters } from '../../../src/server/metrics/decision-counters.js';
import { KeyFenceMetrics, type MetricSources } from '../../../src/server/metrics/keyfence-metrics.js';
import type { ServerStatus } from '../../../src/server/metrics/server-status.js';
import type { SyncStatistics } from '../../../src/sync/index-follower.js';

/** `name{labels} value` lines of an exposition, by series. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    out.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return out;
}

const idleSync: SyncStatistics = {
  appliedVersion: 40,
  latestKnownVersion: 42,
  lag: 2,
  notifications: 5,
  polls: 9,
  passes: 3,
  listening: true,
  feedReconnects: 1,
  lastReadAt: null,
};

const idleStatus: ServerStatus = {
  appliedVersion: 40,
  stale: false,
  staleForMs: 0,
  sinceStoreContactMs: 500,
  storeErrors: 2,
  credentialsHeld: 11,
  credentialMisses: 1,
  keyUsesPending: 0,
  keyUsesDropped: 0,
  nonceBatches: 12,
  noncesPending: 0,
  noncesDropped: 0,
  lateReplays: 0,
  retentionDeleted: { audit_events: 0, key_source_rollups: 0 },
};

function sources(decisions: DecisionCounters, sync = () => idleSync): MetricSources {
  return {
    decisions,
    sync,
    status: () => idleStatus,
    audit: () => undefined,
    proxyHeaderFaults: () => new Map([['Proxy.Timeout', 4]]),
  };
}

/** An allowed decision with no policy in force, as every entry point counts it. */
const NO_POLICY_DECISION = Object.freeze({
  allowed: true,
  reason: 'no-active-policy',
  scope: 'none',
  statement: -1,
  policyVersion: 0,
} as const);

describe('KeyFenceMetrics', () => {
  it('counts real decisions by result and reason', async () => {
    const index = new DecisionIndex({ exemptServices: ['oss'] });
    const policy = parsePolicy(
      JSON.stringify({
        Version: 1,
        Status: 'Active',
        Statements: [{ Type: 'ClassicWhiteList', IPList: ['192.0.2.0/24'] }],
      }),
    );
    assert.ok(policy.ok);
    index.setKey('LTAIkey', '1000000000000001', policy.policy, 5);
    const counters = new DecisionCounters();
    const calls: [string, string][] = [
      ['192.0.2.9', 'ecs'],
      ['192.0.2.10', 'ecs'],
      ['198.51.100.1', 'ecs'],
      ['198.51.100.1', 'oss'],
      ['not-an-ip', 'ecs'],
    ];
    for (const [ip, service] of calls) {
      counters.observe(index.decide({ accessKeyId: 'LTAIkey', temporary: false }, { ip }, service), 3e-7);
    }
    const text = await new KeyFenceMetrics(sources(counters)).text();
    const s = samples(text);
    assert.equal(s.get('keyfence_decisions_total{result="allow",reason="public-ip-allowed"}'), 2);
    assert.equal(s.get('keyfence_decisions_total{result="deny",reason="public-ip-not-allowed"}'), 1);
    assert.equal(s.get('keyfence_decisions_total{result="allow",reason="exempt-service"}'), 1);
    assert.equal(s.get('keyfence_decisions_total{result="deny",reason="invalid-source-address"}'), 1);
    assert.equal(s.get('keyfence_decisions_total{result="deny",reason="vpc-not-allowed"}'), 0);
  });

  it('exposes latency as a cumulative histogram', async () => {
    const counters = new DecisionCounters();
    for (const seconds of [5e-8, 2e-7, 2e-7, 3e-6, 0.5]) counters.observe(NO_POLICY_DECISION, seconds);
    const s = samples(await new KeyFenceMetrics(sources(counters)).text());
    assert.equal(s.get('keyfence_decision_duration_seconds_bucket{le="1e-7"}'), 1);
    assert.equal(s.get('keyfence_decision_duration_seconds_bucket{le="2.5e-7"}'), 3);
    assert.equal(s.get('keyfence_decision_duration_seconds_bucket{le="0.000005"}'), 4);
    assert.equal(s.get('keyfence_decision_duration_seconds_bucket{le="0.001"}'), 4);
    assert.equal(s.get('keyfence_decision_duration_seconds_bucket{le="+Inf"}'), 5);
    assert.equal(s.get('keyfence_decision_duration_seconds_count'), 5);
    assert.ok(Math.abs(s.get('keyfence_decision_duration_seconds_sum')! - 0.50000345) < 1e-9);
  });

  it('times the first decision, then one in DECISION_TIMING_SAMPLE; counts every one', async () => {
    const counters = new DecisionCounters();
    const timed: number[] = [];
    for (let i = 1; i <= 2 * DECISION_TIMING_SAMPLE + 1; i++) {
      const timing = counters.timeNext();
      if (timing) timed.push(i);
      counters.observe(NO_POLICY_DECISION, timing ? 1e-6 : undefined);
    }
    assert.deepEqual(timed, [1, DECISION_TIMING_SAMPLE + 1, 2 * DECISION_TIMING_SAMPLE + 1]);
    const s = samples(await new KeyFenceMetrics(sources(counters)).text());
    assert.equal(
      s.get('keyfence_decisions_total{result="allow",reason="no-active-policy"}'),
      2 * DECISION_TIMING_SAMPLE + 1,
    );
    assert.equal(s.get('keyfence_decision_duration_seconds_count'), 3);
  });

  it('reads the node gauges at scrape time', async () => {
    let sync = idleSync;
    const metrics = new KeyFenceMetrics(sources(new DecisionCounters(), () => sync));
    let s = samples(await metrics.text());
    assert.equal(s.get('keyfence_policy_version_applied'), 40);
    assert.equal(s.get('keyfence_change_log_lag_versions'), 2);
    assert.equal(s.get('keyfence_change_feed_listening'), 1);
    assert.equal(s.get('keyfence_store_errors_total'), 2);
    assert.equal(s.get('keyfence_store_contact_age_seconds'), 0.5);
    assert.equal(s.get('keyfence_credentials_held'), 11);
    assert.equal(s.get('keyfence_proxy_header_faults_total{fault="Proxy.Timeout"}'), 4);
    assert.equal(s.has('keyfence_audit_queue_depth'), false, 'a sink without counters exposes none');
    assert.ok(s.has('process_cpu_user_seconds_total'));
    sync = { ...idleSync, appliedVersion: 45, latestKnownVersion: 45, lag: 0 };
    s = samples(await metrics.text());
    assert.equal(s.get('keyfence_policy_version_applied'), 45);
    assert.equal(s.get('keyfence_change_log_lag_versions'), 0);
  });

  it('exposes the audit sink`s counters, coalesced requests and rejected events included', async () => {
    const counters: AuditCounters = {
      queueDepth: 3,
      dropped: 4,
      coalesced: 5,
      written: 6,
      failed: 7,
      rejected: 8,
      spooled: 9,
      spoolBytes: 10,
      spoolDropped: 11,
      spoolUnreadable: 12,
    };
    const s = samples(
      await new KeyFenceMetrics({ ...sources(new DecisionCounters()), audit: () => counters }).text(),
    );
    assert.equal(s.get('keyfence_audit_queue_depth'), 3);
    assert.equal(s.get('keyfence_audit_events_dropped_total{where="queue"}'), 4);
    assert.equal(s.get('keyfence_audit_requests_coalesced_total'), 5);
    assert.equal(s.get('keyfence_audit_events_written_total'), 6);
    assert.equal(s.get('keyfence_audit_events_dropped_total{where="write"}'), 7);
    assert.equal(s.get('keyfence_audit_events_rejected_total'), 8);
    assert.equal(s.get('keyfence_audit_spool_events'), 9);
    assert.equal(s.get('keyfence_audit_spool_bytes'), 10);
    assert.equal(s.get('keyfence_audit_events_dropped_total{where="spool"}'), 11);
    assert.equal(s.get('keyfence_audit_events_dropped_total{where="spool-unreadable"}'), 12);
  });
});
