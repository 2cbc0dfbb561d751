import assert from 'node:assert/strict';
import type { DatabaseConfig } from './dialects.js';
import { rawRows } from './store-harness.js';

interface ChangeRow {
  version: number;
  kind: string;
  account_id: string;
  access_key_id: string | null;
  policy: string | null;
}

interface HistoryRow {
  version: number;
  account_id: string;
  access_key_id: string | null;
  policy_before: string | null;
  policy_after: string | null;
}

interface PolicyRow {
  id: string;
  policy: string | null;
  policy_version: number;
}

/**
 * Checks, straight from the tables, that every change committed whole: versions 1..N with no
 * gap and the counter at N; every change record has its change and every change its record;
 * every stored policy is the one its last record set; each scope's history is an unbroken chain.
 * Returns how many changes there are.
 */
export async function assertConsistent(config: DatabaseConfig): Promise<number> {
  const [changes, history, keys, accounts, counter] = await Promise.all([
    rawRows(
      config,
      'select version, kind, account_id, access_key_id, policy from change_log order by version',
    ),
    rawRows(
      config,
      'select version, account_id, access_key_id, policy_before, policy_after from policy_history order by version',
    ),
    rawRows(config, 'select access_key_id as id, policy, policy_version from access_keys'),
    rawRows(config, 'select account_id as id, policy, policy_version from accounts'),
    rawRows(config, 'select version from change_counter'),
  ]);
  const changeRows = (changes as unknown as ChangeRow[]).map((c) => ({ ...c, version: Number(c.version) }));
  const historyRows = (history as unknown as HistoryRow[]).map((h) => ({ ...h, version: Number(h.version) }));

  assert.deepEqual(
    changeRows.map((c) => c.version),
    Array.from({ length: changeRows.length }, (_, i) => i + 1),
    'change versions are not 1..N',
  );
  assert.equal(Number(counter[0]!.version), changeRows.length, 'the counter is not at the last version');

  // Every policy history entry belongs to the change record of its version, and vice versa.
  const changeAt = new Map(changeRows.map((c) => [c.version, c]));
  for (const entry of historyRows) {
    const change = changeAt.get(entry.version);
    assert.ok(change, `history entry ${entry.version} has no change record`);
    assert.equal(change.account_id, entry.account_id);
    assert.equal(change.access_key_id, entry.access_key_id);
    if (change.kind === 'key.deleted') assert.equal(entry.policy_after, null);
    else {
      assert.equal(change.kind, entry.access_key_id === null ? 'policy.account.set' : 'policy.key.set');
      assert.equal(
        change.policy,
        entry.policy_after,
        `history entry ${entry.version} does not match its record`,
      );
    }
  }
  const historyVersions = new Set(historyRows.map((h) => h.version));
  for (const change of changeRows) {
    if (change.kind.startsWith('policy.')) {
      assert.ok(historyVersions.has(change.version), `policy change ${change.version} has no history entry`);
      const parsed = JSON.parse(change.policy!) as { Version?: unknown };
      assert.equal(parsed.Version, 1);
    }
  }

  // Each scope's history is a chain: every entry starts from what the previous one left.
  const previous = new Map<string, string | null>();
  for (const entry of historyRows) {
    const scope = `${entry.account_id}/${entry.access_key_id ?? ''}`;
    assert.equal(
      entry.policy_before,
      previous.get(scope) ?? null,
      `history of ${scope} is broken at ${entry.version}`,
    );
    previous.set(scope, entry.policy_after);
  }

  // Every key that exists was created by a record and not deleted since; its policy is its last record's.
  const lastPolicy = new Map<string, ChangeRow>();
  const alive = new Set<string>();
  for (const change of changeRows) {
    const key = change.access_key_id;
    if (change.kind === 'key.created') alive.add(key!);
    if (change.kind === 'key.deleted') {
      alive.delete(key!);
      lastPolicy.delete(key!);
    }
    if (change.kind === 'policy.key.set') lastPolicy.set(key!, change);
    if (change.kind === 'policy.account.set') lastPolicy.set(change.account_id, change);
  }
  const keyRows = keys as unknown as PolicyRow[];
  assert.deepEqual(new Set(keyRows.map((k) => k.id)), alive, 'stored keys differ from the change log');
  for (const row of [...keyRows, ...(accounts as unknown as PolicyRow[])]) {
    const last = lastPolicy.get(row.id);
    assert.equal(row.policy, last?.policy ?? null, `policy of ${row.id} is not its last record's`);
    assert.equal(
      Number(row.policy_version),
      last?.version ?? 0,
      `policy version of ${row.id} is not its last record's`,
    );
  }
  return changeRows.length;
}
