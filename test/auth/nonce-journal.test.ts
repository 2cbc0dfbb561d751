/**
 * The replay journal of a node that owns its store alone: nonces appended before their requests
 * go on, read back into a new guard at start (what a restart or a kill -9 would do), expired ones
 * and old files let go, torn lines skipped without losing the next, long nonces kept as digests,
 * a clock stepped back, a failing disk answered from memory, claims after close still recorded;
 * and a property: after a reopen, the guard refuses exactly the nonces admitted before.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { NonceJournal } from '../../src/auth/nonce-journal.js';
import { nonceKey } from '../../src/auth/nonce-key.js';
import { ReplayGuard } from '../../src/auth/replay-guard.js';

const WINDOW = 15 * 60_000;
const KEY = 'LTAI5tKeyFenceTest01';
// The start of a window: the journal's files are named by `floor(now / window)`.
const T0 = Math.floor(Date.parse('2026-01-01T00:00:00Z') / WINDOW) * WINDOW;

const root = mkdtempSync(join(tmpdir(), 'keyfence-nonce-journal-'));
after(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;
const freshDir = () => join(root, `j${folders++}`);

/** A guard and its journal over `dir`, at the clock `clock.now`. */
function openAt(
  dir: string,
  clock: { now: number },
  hooks: { errors?: unknown[]; recovered?: number[] } = {},
) {
  const guard = new ReplayGuard({ windowMs: WINDOW });
  const { journal, restored } = NonceJournal.open({
    dir,
    guard,
    now: () => clock.now,
    onError: (error) => hooks.errors?.push(error),
    onRecovered: () => hooks.recovered?.push(clock.now),
  });
  /** What the server does: the guard admits, then the journal claims. */
  const admit = async (nonce: string, signedAt = clock.now) => {
    const admission = guard.admit(KEY, nonce, new Date(signedAt), new Date(clock.now));
    if (admission !== 'admitted') return admission;
    assert.equal(await journal.claim(KEY, nonce, new Date(signedAt)), true);
    return admission;
  };
  return { guard, journal, restored, admit };
}

describe('NonceJournal', () => {
  it('has a claim in the file by the time it answers', async () => {
    const dir = freshDir();
    const clock = { now: T0 + 1000 };
    const { journal } = openAt(dir, clock);
    const file = join(dir, `nonces-${T0 / WINDOW}.jsonl`);
    const first = journal.claim(KEY, 'a', new Date(clock.now));
    assert.equal(readFileSync(file, 'utf8'), `${JSON.stringify([KEY, 'a', clock.now])}\n`);
    assert.equal(await first, true);
    await journal.claim(KEY, 'b', new Date(clock.now));
    assert.equal(
      readFileSync(file, 'utf8'),
      `${JSON.stringify([KEY, 'a', clock.now])}\n${JSON.stringify([KEY, 'b', clock.now])}\n`,
    );
    assert.equal(journal.counters.batches, 2);
    assert.equal(await journal.close(), 0);
  });

  it('keeps a long nonce as a digest, and still refuses its replay after a restart', async () => {
    const dir = freshDir();
    const clock = { now: T0 + 1000 };
    const long = 'n'.repeat(200_000);
    const first = openAt(dir, clock);
    assert.equal(await first.admit(long), 'admitted');
    const text = readFileSync(join(dir, `nonces-${T0 / WINDOW}.jsonl`), 'utf8');
    assert.ok(text.length < 100, `a line of ${text.length} characters`);
    assert.ok(text.includes(nonceKey(long)));
    const second = openAt(dir, clock);
    assert.equal(await second.admit(long), 'replayed');
    assert.equal(await second.admit(`${long}x`), 'admitted');
    await first.journal.close();
    await second.journal.close();
  });

  it('starts after a torn line on a line of its own, so the nonce after it is not lost', async () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    const clock = { now: T0 + 1000 };
    // A power loss cut the last line short.
    writeFileSync(
      join(dir, `nonces-${T0 / WINDOW}.jsonl`),
      `${JSON.stringify([KEY, 'before', clock.now])}\n["LTAI`,
    );
    const first = openAt(dir, clock);
    assert.equal(first.restored, 1);
    assert.equal(await first.admit('after'), 'admitted');
    const second = openAt(dir, clock);
    assert.equal(second.restored, 2);
    assert.equal(await second.admit('after'), 'replayed');
    await first.journal.close();
    await second.journal.close();
  });

  it('records a claim made after close (a request cut off at shutdown)', async () => {
    const dir = freshDir();
    const clock = { now: T0 + 1000 };
    const first = openAt(dir, clock);
    assert.equal(await first.journal.close(), 0);
    assert.equal(await first.admit('late'), 'admitted');
    const second = openAt(dir, clock);
    assert.equal(await second.admit('late'), 'replayed');
    await second.journal.close();
  });

  it("reads a journal back by its newest file's time when the clock stepped back", async () => {
    const dir = freshDir();
    const clock = { now: T0 + 3 * WINDOW + 1000 };
    const first = openAt(dir, clock);
    assert.equal(await first.admit('ahead'), 'admitted');
    await first.journal.close();
    // The clock now reads two windows earlier: the nonce seems signed in the future.
    clock.now -= 2 * WINDOW;
    const second = openAt(dir, clock);
    assert.equal(second.restored, 1);
    const later = new Date(T0 + 3 * WINDOW + 2000);
    assert.equal(second.guard.admit(KEY, 'ahead', new Date(T0 + 3 * WINDOW + 1000), later), 'replayed');
    await second.journal.close();
  });

  it('says how many nonces the guard had no room for', () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    const clock = { now: T0 + 1000 };
    writeFileSync(
      join(dir, `nonces-${T0 / WINDOW}.jsonl`),
      ['a', 'b', 'c'].map((nonce) => `${JSON.stringify([KEY, nonce, clock.now])}\n`).join(''),
    );
    const { restored, refused } = NonceJournal.open({
      dir,
      guard: new ReplayGuard({ windowMs: WINDOW, maxEntries: 2 }),
      now: () => clock.now,
    });
    assert.deepEqual({ restored, refused }, { restored: 2, refused: 1 });
  });

  it('gives a new guard every nonce still in its window: their replays are refused after a restart', async () => {
    const dir = freshDir();
    const clock = { now: T0 + 1000 };
    const first = openAt(dir, clock);
    assert.equal(await first.admit('n1'), 'admitted');
    assert.equal(await first.admit('n2', clock.now - 60_000), 'admitted');
    // No close: a kill -9 leaves the file as the last append left it.
    clock.now += 5 * 60_000;
    const second = openAt(dir, clock);
    assert.equal(second.restored, 2);
    assert.equal(await second.admit('n1', T0 + 1000), 'replayed');
    assert.equal(await second.admit('n2', T0 + 1000 - 60_000), 'replayed');
    assert.equal(await second.admit('n3'), 'admitted');
    await second.journal.close();
    await first.journal.close();
  });

  it('does not restore expired nonces, and deletes files no nonce of which can still be replayed', async () => {
    const dir = freshDir();
    const clock = { now: T0 + 1000 };
    const first = openAt(dir, clock);
    await first.admit('old');
    // Three windows on, the first file's nonces have all expired: a new file starts and the
    // one two windows before it is the oldest kept.
    clock.now += 3 * WINDOW;
    await first.admit('new');
    assert.deepEqual(readdirSync(dir), [`nonces-${T0 / WINDOW + 3}.jsonl`]);
    await first.journal.close();

    // A file left over from long ago (say, the node was stopped for an hour) goes at open.
    writeFileSync(join(dir, `nonces-${T0 / WINDOW}.jsonl`), `${JSON.stringify([KEY, 'old', T0 + 1000])}\n`);
    const second = openAt(dir, clock);
    assert.equal(second.restored, 1);
    assert.deepEqual(readdirSync(dir), [`nonces-${T0 / WINDOW + 3}.jsonl`]);
    assert.equal(await second.admit('old', T0 + 1000), 'expired');
    assert.equal(await second.admit('new', T0 + 3 * WINDOW + 1000), 'replayed');
    await second.journal.close();
  });

  it('skips a torn or foreign line and keeps reading', async () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    const clock = { now: T0 + 1000 };
    const lines = [
      JSON.stringify([KEY, 'kept-1', clock.now]),
      '["LTAI5tKeyFenceTest01","torn',
      JSON.stringify({ accessKeyId: KEY }),
      JSON.stringify([KEY, 'n', 'not a time']),
      JSON.stringify([KEY, 'kept-2', clock.now]),
    ];
    writeFileSync(
      join(dir, `nonces-${T0 / WINDOW}.jsonl`),
      `${lines.join('\n')}\n["LTAI5tKeyFenceTest01","kept`,
    );
    const { restored, admit, journal } = openAt(dir, clock);
    assert.equal(restored, 2);
    assert.equal(await admit('kept-1'), 'replayed');
    assert.equal(await admit('kept-2'), 'replayed');
    assert.equal(await admit('torn'), 'admitted');
    await journal.close();
  });

  it('answers from the guard while it cannot append, says so once, and says when it can again', async () => {
    const dir = freshDir();
    const clock = { now: T0 + 1000 };
    const errors: unknown[] = [];
    const recovered: number[] = [];
    const { admit, journal } = openAt(dir, clock, { errors, recovered });
    await admit('before');
    // The next window's file cannot be opened: a folder stands where it would be.
    const blocked = join(dir, `nonces-${T0 / WINDOW + 1}.jsonl`);
    mkdirSync(blocked);
    clock.now += WINDOW;
    assert.equal(await admit('during-1'), 'admitted');
    assert.equal(await admit('during-2'), 'admitted');
    assert.equal(errors.length, 1);
    assert.equal(journal.counters.unreachable, true);
    assert.equal(journal.counters.dropped, 2);
    // This process still refuses the replay of what it could not journal.
    assert.equal(await admit('during-1'), 'replayed');
    rmSync(blocked, { recursive: true });
    assert.equal(await admit('after'), 'admitted');
    assert.deepEqual(recovered, [clock.now]);
    assert.equal(journal.counters.unreachable, false);
    await journal.close();
  });

  it('property: after a reopen the guard refuses exactly the nonces admitted before', async () => {
    const anyNonce = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.string({ minLength: 81, maxLength: 120 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(anyNonce, fc.integer({ min: 0, max: 13 * 60_000 })), { maxLength: 40 }),
        fc.array(anyNonce, { maxLength: 20 }),
        async (admitted, probes) => {
          const dir = freshDir();
          // Signed 2 minutes before a window ends, arriving up to 13 minutes later: across it.
          const signedAt = T0 + WINDOW - 2 * 60_000;
          const clock = { now: signedAt };
          const first = openAt(dir, clock);
          const model = new Set<string>();
          for (const [nonce, advance] of admitted) {
            clock.now = signedAt + advance;
            const admission = await first.admit(nonce, signedAt);
            assert.equal(admission, model.has(nonce) ? 'replayed' : 'admitted');
            model.add(nonce);
          }
          const second = openAt(dir, clock);
          assert.equal(second.restored, model.size);
          for (const nonce of [...probes, ...model]) {
            const admission = second.guard.admit(KEY, nonce, new Date(signedAt), new Date(clock.now));
            assert.equal(admission, model.has(nonce) ? 'replayed' : 'admitted', nonce);
            model.add(nonce);
          }
          await first.journal.close();
          await second.journal.close();
          rmSync(dir, { recursive: true, force: true });
        },
      ),
      { numRuns: 60 },
    );
  });
});
