import { formatAddress, parseAddress } from '../net/address.js';
import type { AccessKeyPolicy, PolicyStatement } from '../policy/policy-document.js';
import { serializePolicy } from '../policy/serialize-policy.js';
import { isVpcId } from '../policy/vpc-id.js';
import { aggregateBlocks } from './cidr-aggregate.js';
import { addressValue, blockContains, blockSize, blockText, type CidrBlock } from './cidr-block.js';
import { type AggregationBound, ceilingBlock, forbiddenBlocks, insideAny } from './cidr-ceiling.js';
import type { ObservedSource, RecommendOptions } from './recommend-input.js';
import type { Recommendation, RecommendedEntry, UncoveredReason, UncoveredSource } from './recommendation.js';

/** One source, its rows merged: an IPv4-mapped address and its IPv4 form are one source. */
interface Candidate {
  /** Canonical text; as given when it is not an address. */
  readonly sourceIp: string;
  readonly family: 4 | 6 | undefined;
  readonly value: bigint;
  readonly vpcId: string | null;
  calls: number;
  lastSeen: Date;
}

interface Member {
  readonly candidate: Candidate;
  readonly ceiling: CidrBlock;
}

/** The sources one statement will list: the public network's, or one VPC's. */
interface Group {
  readonly vpcId: string | null;
  readonly ceilings: Set<string>;
  readonly members: Member[];
}

/** How much of the document may be filled: the limits, or less when the bytes run out first. */
interface Budget {
  readonly statements: number;
  readonly entries: number;
}

const PUBLIC_FORBIDDEN = forbiddenBlocks(true);
const VPC_FORBIDDEN = forbiddenBlocks(false);

/**
 * Drafts an AccessKeyPolicy that lets in the observed sources (docs/server.md,
 * `RecommendAccessKeyPolicy`): public sources in one ClassicWhiteList, each VPC's in a
 * VPCWhiteList of its own. Sources are taken most calls first until the coverage asked for is
 * reached, each only while the draft can still hold it within the limits; entries are the exact
 * addresses, aggregated (cidr-aggregate.ts) only where a statement would hold too many; a source
 * left out that such a block holds anyway is let in, counted in that entry. The draft is Active, to be reviewed and set by hand; with nothing to let in it is Inactive with no
 * statements, since an Active empty policy would deny every call. The same sources, in any order,
 * give the same draft.
 */
export function recommendPolicy(
  sources: readonly ObservedSource[],
  options: RecommendOptions,
): Recommendation {
  const candidates = mergeSources(sources).sort(compareCandidates);
  const { limits } = options;
  let budget: Budget = { statements: limits.maxStatements, entries: limits.maxEntriesPerStatement };
  while (true) {
    const draft = draftWithin(candidates, options, budget);
    const bytes = Buffer.byteLength(serializePolicy(draft.policy), 'utf8');
    if (bytes <= limits.maxDocumentBytes || (budget.statements === 0 && budget.entries === 1)) return draft;
    // Only with limits configured so that full statements do not fit the document size.
    budget =
      budget.entries > 1
        ? {
            statements: budget.statements,
            entries: Math.max(
              1,
              Math.min(budget.entries - 1, Math.floor((budget.entries * limits.maxDocumentBytes) / bytes)),
            ),
          }
        : { statements: budget.statements - 1, entries: 1 };
  }
}

function draftWithin(
  candidates: readonly Candidate[],
  options: RecommendOptions,
  budget: Budget,
): Recommendation {
  const { coverage, minCalls, bound } = options;
  const totalCalls = candidates.reduce((sum, c) => sum + c.calls, 0);
  const target = Math.ceil((totalCalls * coverage) / 100);
  const groups = new Map<string, Group>();
  const leftOut: { readonly candidate: Candidate; readonly reason: UncoveredReason }[] = [];
  let coveredCalls = 0;
  for (const candidate of candidates) {
    const placed =
      candidate.calls < minCalls
        ? 'BelowMinCalls'
        : place(candidate, groups, coveredCalls >= target, bound, budget);
    if (typeof placed === 'string') leftOut.push({ candidate, reason: placed });
    else coveredCalls += candidate.calls;
  }
  const ordered = [...groups.values()].sort((a, b) => compareText(a.vpcId ?? '', b.vpcId ?? ''));
  const statements: PolicyStatement[] = [];
  const entries: RecommendedEntry[] = [];
  // A source left out may still fall inside a block aggregated for others: the draft lets it in.
  const letIn = new Set<Candidate>();
  ordered.forEach((group, index) => {
    const outside = leftOut
      .map(({ candidate }) => candidate)
      .filter((c) => c.family !== undefined && c.vpcId === group.vpcId);
    const blocks = entriesOf(group, budget.entries, index, outside, { entries, letIn });
    statements.push(
      group.vpcId === null
        ? { Type: 'ClassicWhiteList', IPList: blocks }
        : { Type: 'VPCWhiteList', Value: group.vpcId, IPList: blocks },
    );
  });
  const policy: AccessKeyPolicy = {
    Version: 1,
    Status: statements.length === 0 ? 'Inactive' : 'Active',
    Statements: statements,
  };
  const uncovered: UncoveredSource[] = [];
  for (const { candidate, reason } of leftOut) {
    if (letIn.has(candidate)) {
      coveredCalls += candidate.calls;
      continue;
    }
    const { sourceIp, vpcId, calls, lastSeen } = candidate;
    uncovered.push({ sourceIp, vpcId, calls, lastSeen, reason });
  }
  return { policy, entries, uncovered, coveredCalls, totalCalls };
}

/**
 * Adds the source to its statement's group, or says why it stays out: what no entry can name
 * first, then whether the coverage is reached, then whether the draft still has room for it.
 */
function place(
  candidate: Candidate,
  groups: Map<string, Group>,
  covered: boolean,
  bound: AggregationBound,
  budget: Budget,
): UncoveredReason | Member {
  const { family, value, vpcId } = candidate;
  if (family === undefined || value === 0n || (vpcId !== null && !isVpcId(vpcId))) return 'NotListable';
  const forbidden = vpcId === null ? PUBLIC_FORBIDDEN : VPC_FORBIDDEN;
  if (insideAny(forbidden, family, value)) return vpcId === null ? 'NotPublicAddress' : 'NotListable';
  if (covered) return 'BeyondCoverage';
  const key = vpcId ?? '';
  const group = groups.get(key);
  // The public statement is the one ClassicWhiteList, and every limit allows at least one.
  if (group === undefined && groups.size >= budget.statements) return 'StatementLimit';
  const ceiling = ceilingBlock(family, value, bound, forbidden);
  const ceilingKey = `${ceiling.family}:${ceiling.first}/${ceiling.prefix}`;
  if (group !== undefined && !group.ceilings.has(ceilingKey) && group.ceilings.size >= budget.entries) {
    return 'EntryLimit';
  }
  const joined = group ?? { vpcId, ceilings: new Set<string>(), members: [] };
  groups.set(key, joined);
  joined.ceilings.add(ceilingKey);
  const member = { candidate, ceiling };
  joined.members.push(member);
  return member;
}

/**
 * The group's entries (texts for its IPList), each with what it covers appended to `out.entries`:
 * its members, and the sources of its network left out (`outside`, addresses only) that a block
 * holds anyway, which are added to `out.letIn`.
 */
function entriesOf(
  group: Group,
  maxEntries: number,
  statement: number,
  outside: readonly Candidate[],
  out: { readonly entries: RecommendedEntry[]; readonly letIn: Set<Candidate> },
): string[] {
  const members = [...group.members].sort((a, b) => compareAddresses(a.candidate, b.candidate));
  const blocks = aggregateBlocks(
    members.map(({ candidate, ceiling }) => ({ family: candidate.family!, value: candidate.value, ceiling })),
    maxEntries,
  );
  const isMember = new Set(members.map(({ candidate }) => candidate));
  // Blocks and sources in the same address order: one walk. Every member is inside a block.
  const all = [...members.map(({ candidate }) => candidate), ...outside].sort(compareAddresses);
  let m = 0;
  return blocks.map((block) => {
    while (m < all.length && before(all[m]!, block)) m++;
    const inside: Candidate[] = [];
    while (m < all.length && blockContains(block, all[m]!.family!, all[m]!.value)) {
      const candidate = all[m]!;
      inside.push(candidate);
      if (!isMember.has(candidate)) out.letIn.add(candidate);
      m++;
    }
    const entry = blockText(block);
    out.entries.push({
      statement,
      entry,
      sources: inside.map((c) => c.sourceIp),
      calls: inside.reduce((sum, c) => sum + c.calls, 0),
      lastSeen: new Date(inside.reduce((last, c) => Math.max(last, c.lastSeen.getTime()), 0)),
      addresses: blockSize(block),
    });
    return entry;
  });
}

function mergeSources(sources: readonly ObservedSource[]): Candidate[] {
  const merged = new Map<string, Candidate>();
  for (const source of sources) {
    if (source.calls <= 0) continue;
    const parsed = parseAddress(source.sourceIp);
    const sourceIp = parsed.ok ? formatAddress(parsed.value) : source.sourceIp;
    const key = `${sourceIp}\n${source.vpcId ?? ''}`;
    const known = merged.get(key);
    if (known !== undefined) {
      known.calls += source.calls;
      if (source.lastSeen > known.lastSeen) known.lastSeen = source.lastSeen;
      continue;
    }
    merged.set(key, {
      sourceIp,
      family: parsed.ok ? parsed.value.family : undefined,
      value: parsed.ok ? addressValue(parsed.value) : 0n,
      vpcId: source.vpcId,
      calls: source.calls,
      lastSeen: source.lastSeen,
    });
  }
  return [...merged.values()];
}

/** Most calls first; then by address (IPv4 first, what is not an address last), then VPC. */
function compareCandidates(a: Candidate, b: Candidate): number {
  return (
    b.calls - a.calls ||
    compareAddresses(a, b) ||
    compareText(a.sourceIp, b.sourceIp) ||
    compareText(a.vpcId ?? '', b.vpcId ?? '')
  );
}

/** Whether the source's address comes before the block's first (IPv4 before IPv6). */
function before(candidate: Candidate, block: CidrBlock): boolean {
  return (
    candidate.family! < block.family || (candidate.family === block.family && candidate.value < block.first)
  );
}

function compareAddresses(a: Candidate, b: Candidate): number {
  const familyA = a.family ?? 7;
  const familyB = b.family ?? 7;
  if (familyA !== familyB) return familyA - familyB;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
