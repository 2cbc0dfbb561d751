import { KeyFenceError } from '../common/keyfence-error.js';
import { describeFault, type FaultNumber } from '../net/address-fault.js';
import { fillWord, maskWord, scanCidr } from '../net/cidr.js';
import { compileRanges, type Range } from '../net/range-set.js';
import { type AccessKeyPolicy, ALLOW_ALL_VPC } from './policy-document.js';

/** One kind of statement of a policy, ready to be stored in a `RangeArena`. */
export interface CompiledRanges {
  readonly v4: Range<number>[];
  readonly v6: Range<bigint>[];
}

export interface CompiledPolicy {
  readonly active: boolean;
  /** All ClassicWhiteList entries; null when the policy has no ClassicWhiteList (public denied). */
  readonly classic: CompiledRanges | null;
  /** VPCWhiteList statements with `AllowAllVPC`; null when there are none. */
  readonly allowAllVpc: CompiledRanges | null;
  /** VPCWhiteList statements per VPC ID. */
  readonly vpcs: ReadonlyMap<string, CompiledRanges>;
}

interface Collector {
  v4: Range<number>[];
  v6: Range<bigint>[];
}

const words = new Uint32Array(4);

function addEntry(into: Collector, entry: string, label: number): void {
  const scanned = scanCidr(entry, words);
  if (scanned < 0) {
    // Documents reach the index only after validation; an invalid one here is a bug upstream,
    // and skipping the entry silently would change what the policy allows.
    const { code, reason } = describeFault(scanned as FaultNumber);
    throw new KeyFenceError(
      'Index.InvalidPolicy',
      `policy entry ${JSON.stringify(entry)} ${reason} (${code})`,
    );
  }
  const prefix = scanned & 255;
  if (scanned >> 8 === 4) {
    into.v4.push({ first: maskWord(words[0]!, 0, prefix), last: fillWord(words[0]!, 0, prefix), label });
    return;
  }
  let first = 0n;
  let last = 0n;
  for (let k = 0; k < 4; k++) {
    first = (first << 32n) | BigInt(maskWord(words[k]!, k, prefix));
    last = (last << 32n) | BigInt(fillWord(words[k]!, k, prefix));
  }
  into.v6.push({ first, last, label });
}

function finish(c: Collector): CompiledRanges {
  return { v4: compileRanges(c.v4, 1), v6: compileRanges(c.v6, 1n) };
}

/**
 * Turns a validated policy into disjoint labelled ranges per kind of source: the public list,
 * AllowAllVPC, and one list per VPC ID. Labels are statement indexes.
 */
export function compilePolicy(policy: AccessKeyPolicy): CompiledPolicy {
  let classic: Collector | null = null;
  let allowAll: Collector | null = null;
  const vpcs = new Map<string, Collector>();
  const statements = policy.Statements;
  for (let index = 0; index < statements.length; index++) {
    const statement = statements[index]!;
    let into: Collector;
    if (statement.Type === 'ClassicWhiteList') {
      classic ??= { v4: [], v6: [] };
      into = classic;
    } else if (statement.Value === ALLOW_ALL_VPC) {
      allowAll ??= { v4: [], v6: [] };
      into = allowAll;
    } else {
      let vpc = vpcs.get(statement.Value);
      if (vpc === undefined) {
        vpc = { v4: [], v6: [] };
        vpcs.set(statement.Value, vpc);
      }
      into = vpc;
    }
    for (const entry of statement.IPList) addEntry(into, entry, index);
  }
  const compiledVpcs = new Map<string, CompiledRanges>();
  for (const [id, c] of vpcs) compiledVpcs.set(id, finish(c));
  return {
    active: policy.Status === 'Active',
    classic: classic === null ? null : finish(classic),
    allowAllVpc: allowAll === null ? null : finish(allowAll),
    vpcs: compiledVpcs,
  };
}
