import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DecisionIndex } from '../../../src/policy/decision-index.js';
import { parsePolicy } from '../../../src/policy/parse-policy.js';
import { DecisionCounters } from '../../../src/server/metrics/decision-counters.js';
import { KeyFenceMetrics, type MetricSources } from '../../../src/server/metrics/keyfence-metrics.js';

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

function sources(decisions: DecisionCounters, overrides: Partial<MetricSources> = {}): MetricSources {
  return {
    decisions,
    appliedVersion: () => 40,
    latestKnownVersion: () => 42,
    secondsSinceStoreContact: () => 0.5,
    auditQueueDepth: () => 7,
    auditDropped: () => 3,
    storeErrors: () => new Map([['changesSince', 2]]),
    ...overrides,
  };
}

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
    const decision = Object.freeze({
      allowed: true,
      reason: 'no-active-policy',
      scope: 'none',
      statement: -1,
      policyVersion: 0,
    } as const);
    for (const seconds of [5e-8, 2e-7, 2e-7, 3e-6, 0.5]) counters.observe(decision, seconds);
    const s = samples(await new KeyFenceMetrics(sources(counters)).text());
    assert.equal(s.get('keyfence_decision_duration_seconds_bucket{le="1e-7"}'), 1);
    assert.equal(s.get('keyfence_decision_duration_seconds_bucket{le="2.5e-7"}'), 3);
    assert.equal(s.get('keyfence_decision_duration_seconds_bucket{le="0.000005"}'), 4);
    assert.equal(s.get('keyfence_decision_duration_seconds_bucket{le="0.001"}'), 4);
    assert.equal(s.get('keyfence_decision_duration_seconds_bucket{le="+Inf"}'), 5);
    assert.equal(s.get('keyfence_decision_duration_seconds_count'), 5);
    assert.ok(Math.abs(s.get('keyfence_decision_duration_seconds_sum')! - 0.50000345) < 1e-9);
  });

  it('reads the node gauges at scrape time', async () => {
    let applied = 40;
    const metrics = new KeyFenceMetrics(sources(new DecisionCounters(), { appliedVersion: () => applied }));
    let s = samples(await metrics.text());
    assert.equal(s.get('keyfence_policy_version_applied'), 40);
    assert.equal(s.get('keyfence_change_log_lag_versions'), 2);
    assert.equal(s.get('keyfence_audit_queue_depth'), 7);
    assert.equal(s.get('keyfence_audit_events_dropped_total'), 3);
    assert.equal(s.get('keyfence_store_errors_total{operation="changesSince"}'), 2);
    assert.equal(s.get('keyfence_store_contact_age_seconds'), 0.5);
    assert.ok(s.has('process_cpu_user_seconds_total'));
    applied = 45;
    s = samples(await metrics.text());
    assert.equal(s.get('keyfence_policy_version_applied'), 45);
    assert.equal(s.get('keyfence_change_log_lag_versions'), 0);
  });
});
