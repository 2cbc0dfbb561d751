import type { KeySourceRollupTable } from '../schema/database.js';
import { type RolledUpCall, type RollupSource, rolledUpCall } from './rolled-up-call.js';
import { addServiceCalls, capServiceCalls, encodeServiceCalls, type ServiceCalls } from './service-calls.js';

interface Sums {
  readonly accountId: string;
  readonly accessKeyId: string;
  readonly day: number;
  readonly sourceIp: string;
  readonly vpcId: string;
  allowed: number;
  denied: number;
  failed: number;
  candidateDenied: number;
  first: number;
  last: number;
  readonly services: ServiceCalls;
}

/**
 * A batch of stored events summed into key-source rollup rows in memory, so that the database
 * sees one additive upsert per distinct (account, key, day, source, VPC) rather than one per
 * event. `rows()` orders them by that key: concurrent writers then lock the rows they share in
 * the same order, and cannot deadlock on them.
 */
export class KeySourceRollupBatch {
  readonly #sums = new Map<string, Sums>();

  /** Counts `event` if the rollups count it at all (rolled-up-call.ts). */
  add(event: RollupSource): void {
    const call = rolledUpCall(event);
    if (call !== null) this.addCall(call);
  }

  /** Counts the call an event stands for (rolledUpCall's). */
  addCall(call: RolledUpCall): void {
    const { day } = call;
    const key = `${call.accountId}\n${call.accessKeyId}\n${day}\n${call.sourceIp}\n${call.vpcId}`;
    let sums = this.#sums.get(key);
    if (sums === undefined) {
      sums = {
        accountId: call.accountId,
        accessKeyId: call.accessKeyId,
        day,
        sourceIp: call.sourceIp,
        vpcId: call.vpcId,
        allowed: 0,
        denied: 0,
        failed: 0,
        candidateDenied: 0,
        first: call.first,
        last: call.last,
        services: new Map(),
      };
      this.#sums.set(key, sums);
    }
    sums[call.outcome] += call.calls;
    if (call.candidateDenied) sums.candidateDenied += call.calls;
    if (call.first < sums.first) sums.first = call.first;
    if (call.last > sums.last) sums.last = call.last;
    addServiceCalls(sums.services, call.service, call.calls);
  }

  get size(): number {
    return this.#sums.size;
  }

  rows(): KeySourceRollupTable[] {
    return [...this.#sums.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, sums]) => ({
        account_id: sums.accountId,
        access_key_id: sums.accessKeyId,
        day: sums.day,
        source_ip: sums.sourceIp,
        vpc_id: sums.vpcId,
        allowed: sums.allowed,
        denied: sums.denied,
        failed: sums.failed,
        first_seen: sums.first,
        last_seen: sums.last,
        services: encodeServiceCalls(capServiceCalls(sums.services)),
        candidate_denied_calls: sums.candidateDenied,
      }));
  }
}

/** The rollup rows of `events`. */
export function keySourceRollupRows(events: Iterable<RollupSource>): KeySourceRollupTable[] {
  const batch = new KeySourceRollupBatch();
  for (const event of events) batch.add(event);
  return batch.rows();
}
