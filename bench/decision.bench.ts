/**
 * `npm run bench:decision` (the first half of `npm run bench`): the full decision (key lookup, precedence, parsing the client address string,
 * matching) of KeyFence's DecisionIndex against peer libraries wrapped in the same decision, in one
 * process, on the same inputs, after checking that every engine gives the same answers.
 * Also memory per key at 1,000,000 keys. Writes docs/benchmarks.md (the decision section) and
 * prints a one-line JSON summary as the last line of stdout.
 *
 * BENCH_QUICK=1 shortens every phase (for trying the harness; docs/benchmarks.md is not written).
 */
import { readFileSync } from 'node:fs';
import { DecisionIndex } from '../src/policy/decision-index.js';
import { writeDocsSection } from './docs-section.js';
import { describeMachine, type Machine } from './machine.js';
import {
  allocatedPerDecision,
  roughCost,
  Series,
  settledMemory,
  sinkValue,
  type TimingResult,
} from './measure.js';
import { blocklist } from './peers/blocklist.js';
import { casbinPeer } from './peers/casbin.js';
import { cedarPeer } from './peers/cedar.js';
import { cidrMatcher } from './peers/cidr-matcher.js';
import { ipaddrPeer } from './peers/ipaddr.js';
import { keyfence } from './peers/keyfence.js';
import type { Engine, EngineFactory } from './peers/peer.js';
import {
  decisionCell,
  EXEMPT_SERVICES,
  type Family,
  memoryKeys,
  mixedWorkload,
  type Query,
  type Workload,
} from './workload.js';

const QUICK = process.env.BENCH_QUICK === '1';
const FAMILIES: readonly Family[] = [4, 6];
const SIZES = [5, 50, 400, 10_000] as const;
const KEYS_PER_CELL = 10_000;
const QUERIES_PER_CELL = 4096;
const MEMORY_KEYS = QUICK ? 100_000 : 1_000_000;
const MEMORY_SEED = 20_240_601;
/** Interleaved rounds per cell; every engine gets `ROUND_MS` of sampling per round. */
const ROUNDS = QUICK ? 1 : 3;
const ROUND_MS = QUICK ? 150 : 500;
const WARMUP_MS = QUICK ? 100 : 250;
const BATCH_TARGET_NS = 200_000;
const MAX_BATCH = 1000;
/** A peer slower than this per decision is checked and timed on a prefix of the query ring. */
const SLOW_NS = 20_000;
/** Time allowed for checking one slow peer's answers on one cell. */
const CHECK_BUDGET_NS = QUICK ? 0.5e9 : 2e9;
const MIN_SLOW_QUERIES = 16;
/** The 10,000-over-50 ratio is measured again with the two cells alternating in short rounds. */
const SCALING_ROUNDS = QUICK ? 2 : 8;
const SCALING_ROUND_MS = QUICK ? 100 : 250;
/** Accounts with an N-entry account-level policy, and keys with their own N-entry policy, per cell. */
const SCOPE_ACCOUNTS = 4;
const SCOPE_KEYS = 4;

const FACTORIES: readonly EngineFactory[] = [
  keyfence,
  blocklist,
  ipaddrPeer,
  cidrMatcher,
  cedarPeer,
  casbinPeer,
];
const KEYFENCE = 'keyfence';

// ---------------------------------------------------------------------------------------------
// Agreement

class Disagreement extends Error {}

function describeQuery(q: Query): string {
  const c = q.credential;
  return `key ${c.accessKeyId}${c.temporary ? ' (STS)' : ''}, ip ${JSON.stringify(q.source.ip)}, service ${q.service}`;
}

/** Throws unless `engine` answers exactly `expected` on the first `count` queries. */
function checkAgreement(
  cell: string,
  engine: Engine,
  queries: readonly Query[],
  expected: Uint8Array,
  count: number,
): void {
  const wrong: string[] = [];
  let mismatches = 0;
  for (let i = 0; i < count; i++) {
    const got = engine.decide(queries[i]!);
    if (got !== (expected[i] === 1)) {
      mismatches++;
      if (wrong.length < 5)
        wrong.push(
          `  query ${i}: ${describeQuery(queries[i]!)}: keyfence ${expected[i] === 1 ? 'allows' : 'denies'}, ${engine.name} ${got ? 'allows' : 'denies'}`,
        );
    }
  }
  if (mismatches > 0) {
    throw new Disagreement(
      `${engine.name} disagrees with keyfence on ${mismatches} of ${count} queries of "${cell}":\n${wrong.join('\n')}`,
    );
  }
}

function answers(engine: Engine, queries: readonly Query[]): Uint8Array {
  const out = new Uint8Array(queries.length);
  for (let i = 0; i < queries.length; i++) out[i] = engine.decide(queries[i]!) ? 1 : 0;
  return out;
}

async function buildAll(workload: Workload): Promise<{ engines: Engine[]; buildMs: Map<string, number> }> {
  const engines: Engine[] = [];
  const buildMs = new Map<string, number>();
  for (const f of FACTORIES) {
    const t0 = performance.now();
    engines.push(await f.build(workload.deployment));
    buildMs.set(f.name, performance.now() - t0);
  }
  return { engines, buildMs };
}

/** The mixed workload (mapped clients, precedence corners, STS, exempt, unknown keys) on every engine. */
async function checkMixed(): Promise<number> {
  let checked = 0;
  for (const [entries, seed] of [
    [5, 11],
    [50, 12],
  ] as const) {
    const w = mixedWorkload({ entries, seed, keys: 300, queries: 4000 });
    const { engines } = await buildAll(w);
    const expected = answers(engines[0]!, w.queries);
    for (const e of engines.slice(1)) checkAgreement(w.name, e, w.queries, expected, w.queries.length);
    checked += w.queries.length * (engines.length - 1);
  }
  return checked;
}

// ---------------------------------------------------------------------------------------------
// Timing

interface EngineRow {
  readonly engine: string;
  readonly timing: TimingResult;
  /** Queries of the ring this engine was checked and timed on (all, or a prefix for slow peers). */
  readonly ring: number;
  readonly buildMs: number;
  readonly allocBytes: number;
}

interface CellResult {
  readonly family: Family;
  readonly entries: number;
  readonly allowedShare: number;
  readonly rows: EngineRow[];
}

async function runCell(family: Family, entries: number): Promise<CellResult> {
  const w = decisionCell({
    family,
    entries,
    keys: KEYS_PER_CELL,
    accounts: SCOPE_ACCOUNTS,
    keyPolicies: SCOPE_KEYS,
    queries: QUERIES_PER_CELL,
  });
  const { engines, buildMs } = await buildAll(w);
  const reference = engines[0]!;
  const expected = answers(reference, w.queries);
  const allowedShare = expected.reduce((a, b) => a + b, 0) / expected.length;

  const series: Series[] = [];
  for (const engine of engines) {
    let ring = w.queries.length;
    if (engine !== reference) {
      const cost = roughCost(engine, w.queries, 8);
      if (cost > SLOW_NS)
        ring = Math.min(ring, Math.max(MIN_SLOW_QUERIES, Math.floor(CHECK_BUDGET_NS / cost)));
      checkAgreement(w.name, engine, w.queries, expected, ring);
    }
    series.push(new Series(engine, ring === w.queries.length ? w.queries : w.queries.slice(0, ring)));
  }

  for (const s of series) s.warmUp(WARMUP_MS, BATCH_TARGET_NS, MAX_BATCH);
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order so that no engine always runs right after the same neighbour.
    for (let k = 0; k < series.length; k++) series[(k + round) % series.length]!.sample(ROUND_MS);
  }

  const rows = series.map((s) => ({
    engine: s.engine.name,
    timing: s.result(),
    ring: s.queries.length,
    buildMs: buildMs.get(s.engine.name) ?? Number.NaN,
    allocBytes: allocatedPerDecision(s.engine, s.queries, Math.min(20_000, s.batch * 20), 7, 300),
  }));
  return { family, entries, allowedShare, rows };
}

/** KeyFence at 50 and at 10,000 entries, sampled in alternation, so load drift cannot skew the ratio. */
interface Scaling {
  readonly family: Family;
  readonly median50: number;
  readonly median10000: number;
  readonly ratio: number;
}

async function runScaling(family: Family): Promise<Scaling> {
  const series: Series[] = [];
  for (const entries of [50, 10_000]) {
    const w = decisionCell({
      family,
      entries,
      keys: KEYS_PER_CELL,
      accounts: SCOPE_ACCOUNTS,
      keyPolicies: SCOPE_KEYS,
      queries: QUERIES_PER_CELL,
    });
    series.push(new Series(await keyfence.build(w.deployment), w.queries));
  }
  for (const s of series) s.warmUp(WARMUP_MS, BATCH_TARGET_NS, MAX_BATCH);
  for (let round = 0; round < SCALING_ROUNDS; round++) for (const s of series) s.sample(SCALING_ROUND_MS);
  const [small, large] = series.map((s) => s.result().medianNs) as [number, number];
  return { family, median50: small, median10000: large, ratio: large / small };
}

// ---------------------------------------------------------------------------------------------
// Memory

interface MemoryResult {
  readonly keys: number;
  readonly bytesPerKey: number;
  readonly typedArrayBytesPerKey: number;
  readonly loadSeconds: number;
}

async function measureMemory(count: number): Promise<MemoryResult> {
  const before = await settledMemory();
  const t0 = performance.now();
  const index = new DecisionIndex({ exemptServices: EXEMPT_SERVICES });
  let version = 1;
  for (const k of memoryKeys(count, MEMORY_SEED))
    index.setKey(k.accessKeyId, k.accountId, k.policy, version++);
  index.compact();
  const loadSeconds = (performance.now() - t0) / 1000;
  const after = await settledMemory();
  // The index really holds what was loaded: every checked key allows an address inside its own
  // list and denies one outside every list (workload addresses never start with 0).
  if (index.keyCount !== count)
    throw new Error(`memory: index holds ${index.keyCount} keys, expected ${count}`);
  let checked = 0;
  for (const k of memoryKeys(Math.min(count, 2000), MEMORY_SEED)) {
    const credential = { accessKeyId: k.accessKeyId, temporary: false };
    const inside = index.decide(credential, { ip: k.inside }, 'ecs');
    const outside = index.decide(credential, { ip: '0.0.0.1' }, 'ecs');
    if (!inside.allowed || inside.scope !== 'accessKey' || outside.allowed) {
      throw new Error(`memory: key ${k.accessKeyId} does not decide as loaded`);
    }
    checked++;
  }
  if (checked === 0) throw new Error('memory: nothing checked');
  return {
    keys: count,
    bytesPerKey: (after - before) / count,
    typedArrayBytesPerKey: index.typedArrayBytes / count,
    loadSeconds,
  };
}

// ---------------------------------------------------------------------------------------------
// Report

function packageVersion(name: string): string {
  try {
    const json = readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8');
    return (JSON.parse(json) as { version: string }).version;
  } catch {
    return '?';
  }
}

const PEER_VERSIONS: Record<string, string> = {
  keyfence: packageVersion('..'),
  'net.BlockList': `node ${process.version}`,
  'ipaddr.js': packageVersion('ipaddr.js'),
  'cidr-matcher': packageVersion('cidr-matcher'),
  'cedar-wasm': packageVersion('@cedar-policy/cedar-wasm'),
  casbin: packageVersion('casbin'),
};

function fmtNs(ns: number): string {
  if (!Number.isFinite(ns)) return '–';
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e4) return `${(ns / 1e3).toFixed(1)} µs`;
  return `${Math.round(ns)} ns`;
}

function fmtRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k/s`;
  return `${perSecond.toFixed(0)} /s`;
}

function fmtRatio(x: number): string {
  return x >= 100 ? `${Math.round(x)}×` : `${x.toFixed(1)}×`;
}

function pad(s: string, width: number, right = false): string {
  return right ? s.padStart(width) : s.padEnd(width);
}

function keyfenceRow(cell: CellResult): EngineRow {
  return cell.rows.find((r) => r.engine === KEYFENCE)!;
}

function printCell(cell: CellResult): void {
  const kf = keyfenceRow(cell).timing.medianNs;
  console.log(
    `\nIPv${cell.family}, ${cell.entries.toLocaleString('en-US')} entries per scope ` +
      `(${KEYS_PER_CELL.toLocaleString('en-US')} keys, ${QUERIES_PER_CELL} queries, ` +
      `${(cell.allowedShare * 100).toFixed(1)}% allowed)`,
  );
  console.log(
    `  ${pad('engine', 14)}${pad('median', 11, true)}${pad('p99', 11, true)}${pad('decisions/s', 13, true)}` +
      `${pad('vs keyfence', 13, true)}${pad('timed', 10, true)}${pad('ring', 6, true)}${pad('alloc B', 9, true)}` +
      `${pad('build', 10, true)}`,
  );
  for (const r of cell.rows) {
    const t = r.timing;
    console.log(
      `  ${pad(r.engine, 14)}${pad(fmtNs(t.medianNs), 11, true)}${pad(fmtNs(t.p99Ns), 11, true)}` +
        `${pad(fmtRate(t.perSecond), 13, true)}${pad(fmtRatio(t.medianNs / kf), 13, true)}` +
        `${pad(t.decisions.toLocaleString('en-US'), 10, true)}${pad(String(r.ring), 6, true)}` +
        `${pad(Number.isFinite(r.allocBytes) ? r.allocBytes.toFixed(0) : '?', 9, true)}` +
        `${pad(`${r.buildMs.toFixed(0)} ms`, 10, true)}`,
    );
  }
}

interface Summary {
  ipv4_50_median_ns: number;
  ipv4_50_p99_ns: number;
  ipv4_10000_over_50: number;
  ipv6_50_median_ns: number;
  ipv6_10000_over_50: number;
  vs_blocklist: number;
  vs_ipaddr: number;
  /** The peer closest to KeyFence at 50 entries, per family, and its median over KeyFence's. */
  ipv4_closest_peer: string;
  ipv4_vs_closest_peer: number;
  ipv6_closest_peer: string;
  ipv6_vs_closest_peer: number;
  bytes_per_key: number;
  targets_met: boolean;
}

function summarise(cells: readonly CellResult[], scaling: readonly Scaling[], memory: MemoryResult): Summary {
  const cell = (family: Family, entries: number) =>
    cells.find((c) => c.family === family && c.entries === entries)!;
  const median = (c: CellResult, engine: string) => c.rows.find((r) => r.engine === engine)!.timing.medianNs;
  const v4 = cell(4, 50);
  const kf = median(v4, KEYFENCE);
  const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
  const closest = (c: CellResult) => {
    const own = median(c, KEYFENCE);
    const peers = c.rows.filter((r) => r.engine !== KEYFENCE);
    const nearest = peers.reduce((a, b) => (b.timing.medianNs < a.timing.medianNs ? b : a));
    return { name: nearest.engine, ratio: round(nearest.timing.medianNs / own) };
  };
  const [closest4, closest6] = [closest(v4), closest(cell(6, 50))];
  const s = {
    ipv4_50_median_ns: round(kf, 1),
    ipv4_50_p99_ns: round(keyfenceRow(v4).timing.p99Ns, 1),
    ipv4_10000_over_50: round(scaling.find((x) => x.family === 4)!.ratio),
    ipv6_50_median_ns: round(median(cell(6, 50), KEYFENCE), 1),
    ipv6_10000_over_50: round(scaling.find((x) => x.family === 6)!.ratio),
    vs_blocklist: round(median(v4, 'net.BlockList') / kf),
    vs_ipaddr: round(median(v4, 'ipaddr.js') / kf),
    ipv4_closest_peer: closest4.name,
    ipv4_vs_closest_peer: closest4.ratio,
    ipv6_closest_peer: closest6.name,
    ipv6_vs_closest_peer: closest6.ratio,
    bytes_per_key: round(memory.bytesPerKey, 1),
    targets_met: false,
  };
  s.targets_met =
    s.ipv4_50_median_ns <= 120 &&
    s.ipv4_vs_closest_peer >= 15 &&
    s.ipv6_50_median_ns <= 250 &&
    s.ipv6_vs_closest_peer >= 10 &&
    s.ipv4_10000_over_50 <= 2 &&
    s.bytes_per_key <= 200;
  return s;
}

const START =
  '<!-- decision-bench:start (written by bench/decision.bench.ts; edits here are overwritten) -->';
const END = '<!-- decision-bench:end -->';

function markdown(
  cells: readonly CellResult[],
  scaling: readonly Scaling[],
  memory: MemoryResult,
  summary: Summary,
  machine: Machine,
  notes: Map<string, readonly string[]>,
  seconds: number,
): string {
  const lines: string[] = [];
  const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  lines.push('## Decision benchmark (`npm run bench:decision`)', '');
  lines.push(`Last run: ${when}, ${seconds.toFixed(0)} s.`, '');
  lines.push('### Machine', '');
  lines.push(`- CPU: ${machine.cpu} (from \`lscpu\`), ${machine.cores} cores`);
  lines.push(`- Memory: ${machine.memoryGiB} GiB`);
  lines.push(`- Node.js ${machine.node} (V8 ${machine.v8}), ${machine.os}`);
  lines.push(`- Load average when the run started: ${machine.loadAverage}`);
  lines.push('');
  lines.push('### Command', '');
  lines.push(
    '```sh',
    'npm run bench:decision',
    '# = node --import tsx --expose-gc bench/decision.bench.ts',
    '```',
    '',
  );
  lines.push('### Targets', '');
  const mark = (ok: boolean) => (ok ? 'met' : '**missed**');
  lines.push('| target | measured | |', '|---|---|---|');
  lines.push(
    `| IPv4, 50 entries: median ≤ 120 ns | ${summary.ipv4_50_median_ns} ns | ${mark(summary.ipv4_50_median_ns <= 120)} |`,
  );
  lines.push(
    `| IPv4, 50 entries: ≥ 15× faster than every peer | ${summary.ipv4_vs_closest_peer}× the closest, ${summary.ipv4_closest_peer} | ${mark(summary.ipv4_vs_closest_peer >= 15)} |`,
  );
  lines.push(
    `| IPv6, 50 entries: median ≤ 250 ns | ${summary.ipv6_50_median_ns} ns | ${mark(summary.ipv6_50_median_ns <= 250)} |`,
  );
  lines.push(
    `| IPv6, 50 entries: ≥ 10× faster than every peer | ${summary.ipv6_vs_closest_peer}× the closest, ${summary.ipv6_closest_peer} | ${mark(summary.ipv6_vs_closest_peer >= 10)} |`,
  );
  lines.push(
    `| IPv4 10,000 entries ≤ 2× the 50-entry decision | ${summary.ipv4_10000_over_50}× | ${mark(summary.ipv4_10000_over_50 <= 2)} |`,
  );
  lines.push(
    `| ≤ 200 bytes per key at ${memory.keys.toLocaleString('en-US')} keys | ${summary.bytes_per_key} B | ${mark(summary.bytes_per_key <= 200)} |`,
  );
  lines.push('');
  lines.push('### Full decision, ns per decision (median · p99) and decisions/s', '');
  lines.push(
    'Each row is the whole decision on the same queries: key lookup among ' +
      `${KEYS_PER_CELL.toLocaleString('en-US')} keys, precedence (an Active key-level policy, else the ` +
      "account's), parsing the client address string and matching. Ratios are each engine's median over " +
      "KeyFence's in the same cell.",
    '',
  );
  for (const family of FAMILIES) {
    lines.push(`#### IPv${family}`, '');
    lines.push(`| engine | ${SIZES.map((n) => `${n.toLocaleString('en-US')} entries`).join(' | ')} |`);
    lines.push(`|---|${SIZES.map(() => '---').join('|')}|`);
    for (const f of FACTORIES) {
      const parts = SIZES.map((n) => {
        const c = cells.find((x) => x.family === family && x.entries === n)!;
        const r = c.rows.find((x) => x.engine === f.name)!;
        const kf = keyfenceRow(c).timing.medianNs;
        const ratio = f.name === KEYFENCE ? '' : ` (${fmtRatio(r.timing.medianNs / kf)})`;
        const ring = r.ring < QUERIES_PER_CELL ? ` [${r.ring} q]` : '';
        return `${fmtNs(r.timing.medianNs)} · ${fmtNs(r.timing.p99Ns)}${ratio}<br>${fmtRate(r.timing.perSecond)}${ring}`;
      });
      lines.push(`| ${f.name} ${PEER_VERSIONS[f.name] ?? ''} | ${parts.join(' | ')} |`);
    }
    lines.push('');
  }
  lines.push('#### Bytes allocated per decision (estimate, from used-heap growth between GCs)', '');
  lines.push(
    `| engine | ${cells.map((c) => `IPv${c.family} ${c.entries.toLocaleString('en-US')}`).join(' | ')} |`,
  );
  lines.push(`|---|${cells.map(() => '---').join('|')}|`);
  for (const f of FACTORIES) {
    const parts = cells.map((c) => {
      const b = c.rows.find((x) => x.engine === f.name)!.allocBytes;
      return Number.isFinite(b) ? b.toFixed(0) : '?';
    });
    lines.push(`| ${f.name} | ${parts.join(' | ')} |`);
  }
  lines.push('');
  const allowed = cells
    .map((c) => `IPv${c.family}/${c.entries}: ${(c.allowedShare * 100).toFixed(0)}%`)
    .join(', ');
  lines.push('### How it is measured', '');
  lines.push(
    `- Workload per cell (seeded, \`bench/workload.ts\`): ${KEYS_PER_CELL.toLocaleString('en-US')} keys over ` +
      `${SCOPE_ACCOUNTS} accounts; every account has an Active account-level policy of N entries; ` +
      `${SCOPE_KEYS} keys have their own ` +
      'Active key-level policy of N entries; the other keys have none or an Inactive 5-entry one (one of 32 ' +
      `shared policy objects; both fall back to the account). A ring of ${QUERIES_PER_CELL} queries: half use a key with its own policy, half ` +
      'fall back; half the addresses are drawn inside the deciding policy, the rest are random (a few fall ' +
      'only inside an Inactive key policy and must be denied). Client addresses are canonical text; each ' +
      'query has its own credential object with its own copy of the key ID string (V8 caches a ' +
      "string's hash, so after the first lap of the ring the key lookup does not hash it again). " +
      `Share allowed: ${allowed}.`,
  );
  lines.push(
    '- Entries are canonical and distinct: IPv4 /16–/32 (35% hosts, 25% /24), IPv6 in 2000::/3, /32–/128 ' +
      '(30% hosts, 25% /64, 15% /56, 10% /48).',
  );
  lines.push(
    `- Timing: ${ROUNDS} interleaved rounds of ${ROUND_MS} ms per engine per cell after a ${WARMUP_MS} ms ` +
      `warm-up; each sample times a batch of up to ${MAX_BATCH} decisions (about ${BATCH_TARGET_NS / 1000} µs) ` +
      'with `process.hrtime.bigint()` and divides; median and p99 are over samples, decisions/s is timed ' +
      'decisions over timed seconds. Results are folded into a checksum.',
  );
  lines.push(
    `- Before timing, every engine's answer is compared with KeyFence's on every query it will be timed on; ` +
      'any difference aborts the run. Peers slower than ' +
      `${SLOW_NS / 1000} µs per decision are checked and timed on a prefix of the ring ([n q] above), sized to ` +
      `about ${CHECK_BUDGET_NS / 1e9} s of checking. A separate mixed workload (IPv4+IPv6 lists with ` +
      'VPCWhiteList statements and 0.0.0.0/0, IPv4-mapped clients as ::ffff:a.b.c.d, ::ffff:7f00:1 and ' +
      '0:0:0:0:0:FFFF:a.b.c.d, upper-case and fully expanded IPv6, Inactive/missing account policies, ' +
      'Active key policies without a ClassicWhiteList, STS, exempt service, unknown keys) is checked on every ' +
      'engine as well.',
  );
  lines.push(
    '- Peers get the same decision around their matcher (`bench/peers/peer.ts`): a Map from AccessKey ID ' +
      "to the key's state, the key's policy object and its account's, chosen by Status.",
  );
  for (const [name, list] of notes) if (list.length > 0) lines.push(`- ${name}: ${list.join(' ')}`);
  lines.push('');
  lines.push('### Scaling: 10,000 entries over 50', '');
  lines.push(
    "KeyFence's 50-entry and 10,000-entry cells (the same workloads as above) sampled in alternation, " +
      `${SCALING_ROUNDS} rounds of ${SCALING_ROUND_MS} ms each, so that a change in machine load between ` +
      'cells cannot skew the ratio; this is the ratio the target uses.',
    '',
  );
  lines.push('| family | 50 entries | 10,000 entries | ratio |', '|---|---|---|---|');
  for (const x of scaling) {
    lines.push(
      `| IPv${x.family} | ${fmtNs(x.median50)} | ${fmtNs(x.median10000)} | ${x.ratio.toFixed(2)}× |`,
    );
  }
  lines.push('');
  lines.push('### Memory per key', '');
  lines.push(
    `${memory.keys.toLocaleString('en-US')} keys (10 per account, no account policies), each with its own ` +
      'random 5-entry IPv4 Active key-level policy (distinct entries, nothing shared), loaded one by one ' +
      'through `setKey` from a streaming generator, then `compact()`. Measured as heapUsed + arrayBuffers ' +
      'after full GCs (repeated until two readings agree, since freed ArrayBuffers are released by a ' +
      'concurrent sweeper), minus the same before loading, divided by the number of keys (the key ID ' +
      'strings and account IDs the index keeps are included).',
    '',
  );
  lines.push('| keys | bytes/key | of which typed arrays | load time |', '|---|---|---|---|');
  lines.push(
    `| ${memory.keys.toLocaleString('en-US')} | ${memory.bytesPerKey.toFixed(1)} | ` +
      `${memory.typedArrayBytesPerKey.toFixed(1)} | ${memory.loadSeconds.toFixed(1)} s |`,
  );
  lines.push('');
  lines.push('Summary line printed by the run:', '', '```json', JSON.stringify(summary), '```');
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = performance.now();
  const machine = describeMachine();
  console.log(
    `KeyFence decision benchmark${QUICK ? ' (BENCH_QUICK: short run, docs not written)' : ''}\n` +
      `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ` +
      `load ${machine.loadAverage}`,
  );

  console.log(`\nMemory: ${MEMORY_KEYS.toLocaleString('en-US')} keys with their own 5-entry IPv4 policies…`);
  const memory = await measureMemory(MEMORY_KEYS);
  console.log(
    `  ${memory.bytesPerKey.toFixed(1)} bytes/key (typed arrays ${memory.typedArrayBytesPerKey.toFixed(1)}), ` +
      `loaded in ${memory.loadSeconds.toFixed(1)} s`,
  );

  console.log('\nChecking that every engine agrees on the mixed workload…');
  const mixed = await checkMixed();
  console.log(`  ${mixed.toLocaleString('en-US')} peer answers, all equal to keyfence's`);

  const cells: CellResult[] = [];
  const notes = new Map<string, readonly string[]>();
  for (const family of FAMILIES) {
    for (const entries of SIZES) {
      const cell = await runCell(family, entries);
      cells.push(cell);
      printCell(cell);
    }
  }
  for (const f of FACTORIES) {
    const e = await f.build({ exemptServices: [], accounts: [], keys: [] });
    notes.set(f.name, e.notes);
  }

  console.log('\nScaling: KeyFence at 50 and 10,000 entries, alternating…');
  const scaling: Scaling[] = [];
  for (const family of FAMILIES) {
    const s = await runScaling(family);
    scaling.push(s);
    console.log(
      `  IPv${family}: 50 entries ${fmtNs(s.median50)}, 10,000 entries ${fmtNs(s.median10000)}: ` +
        `${s.ratio.toFixed(2)}×`,
    );
  }

  const summary = summarise(cells, scaling, memory);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `\nTargets: ${summary.targets_met ? 'all met' : 'NOT all met'}; checksum ${sinkValue()}; ${seconds.toFixed(0)} s`,
  );
  if (!QUICK) {
    writeDocsSection(START, END, markdown(cells, scaling, memory, summary, machine, notes, seconds));
    console.log('docs/benchmarks.md updated');
  }
  console.log(JSON.stringify(summary));
}

main().catch((error: unknown) => {
  if (error instanceof Disagreement) {
    console.error(`\nABORTED: peers disagree, no timing is reported.\n${error.message}`);
  } else {
    console.error(error);
  }
  process.exitCode = 1;
});
