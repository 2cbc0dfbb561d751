import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { buildAuditEvent } from '../../src/audit/audit-event.js';
import { AuditSpool } from '../../src/audit/audit-spool.js';
import {
  decodeSpoolEntry,
  encodeSpoolEntry,
  type SpoolEntry,
  spoolableRecord,
} from '../../src/audit/audit-spool-entry.js';
import type { AccessKeyPrincipal, AccountId, UserId, UserName } from '../../src/store/index.js';
import { requestRecord, roleCaller, USER_KEY, userCaller } from './support.js';

const root = await mkdtemp(join(tmpdir(), 'keyfence-spool-'));
after(() => rm(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => join(root, `spool-${++dirs}`, 'audit-spool');

const SECRET = 'AccessKeySecretValue0123456789abcdef';
const TOKEN = `CAIS${'x'.repeat(40)}`;

const entry = (n: number, changes: Parameters<typeof requestRecord>[0] = {}): SpoolEntry => ({
  eventId: `E-${String(n).padStart(6, '0')}`,
  record: requestRecord({ requestId: `R-${String(n).padStart(6, '0')}`, ...changes }),
});

const entryBytes = (e: SpoolEntry) => Buffer.byteLength(`${encodeSpoolEntry(e)}\n`);

describe('the audit spool', () => {
  test('creates its directory 0700 and each file 0600, and reads back what it kept, oldest file first', async () => {
    const dir = freshDir();
    const spool = await AuditSpool.open({ dir, maxBytes: 1_000_000 });
    assert.equal(spool.waiting, false);
    assert.equal((await stat(dir)).mode & 0o777, 0o700);

    assert.equal(await spool.append([entry(1), entry(2)]), 2);
    assert.equal(await spool.append([entry(3)]), 1);
    const files = await readdir(dir);
    assert.equal(files.length, 2);
    for (const file of files) assert.equal((await stat(join(dir, file))).mode & 0o777, 0o600, file);
    assert.equal(spool.counters.entries, 3);

    const first = await spool.readOldest();
    assert.deepEqual(
      first?.map((e) => [e.eventId, e.record.requestId]),
      [
        ['E-000001', 'R-000001'],
        ['E-000002', 'R-000002'],
      ],
    );
    assert.deepEqual(
      first?.[0]?.record,
      spoolableRecord(entry(1).record),
      'the record comes back as spooled',
    );
    assert.ok(first?.[0]?.record.time instanceof Date);
    await spool.removeOldest();
    assert.deepEqual(
      (await spool.readOldest())?.map((e) => e.eventId),
      ['E-000003'],
    );
    await spool.removeOldest();
    assert.equal(spool.waiting, false);
    assert.equal(await spool.readOldest(), undefined);
    assert.deepEqual(await readdir(dir), []);
    assert.deepEqual(spool.counters, { entries: 0, bytes: 0, dropped: 0, unreadable: 0, setAside: 0 });
  });

  test('keeps what fits within maxBytes, drops and counts the rest, and has room again once drained', async () => {
    const dir = freshDir();
    const size = entryBytes(entry(1));
    const spool = await AuditSpool.open({ dir, maxBytes: size * 3 });
    assert.equal(await spool.append([entry(1), entry(2)]), 2);
    assert.equal(await spool.append([entry(3), entry(4), entry(5)]), 1, 'only one more fits');
    assert.equal(await spool.append([entry(6)]), 0);
    assert.deepEqual(spool.counters, { entries: 3, bytes: size * 3, dropped: 3, unreadable: 0, setAside: 0 });
    const bytesOnDisk = (
      await Promise.all((await readdir(dir)).map(async (f) => (await stat(join(dir, f))).size))
    ).reduce((a, b) => a + b, 0);
    assert.ok(bytesOnDisk <= size * 3, 'the files never exceed the bound');

    await spool.removeOldest();
    assert.equal(await spool.append([entry(7), entry(8), entry(9)]), 2);
    assert.equal(spool.counters.dropped, 4);
  });

  test('a spool left by an earlier run is found, and a line cut short by a crash is ignored', async () => {
    const dir = freshDir();
    const before = await AuditSpool.open({ dir, maxBytes: 1_000_000 });
    await before.append([entry(1), entry(2), entry(3)]);
    await before.append([entry(4)]);
    // The crash: the last line of the first file was only partly written.
    const [oldest] = (await readdir(dir)).sort();
    const path = join(dir, oldest!);
    const text = await readFile(path, 'utf8');
    await truncate(path, Buffer.byteLength(text) - 20);

    const reopened = await AuditSpool.open({ dir, maxBytes: 1_000_000 });
    assert.equal(reopened.waiting, true);
    assert.equal(reopened.counters.entries, 4, 'counted from the file names');
    assert.deepEqual(
      (await reopened.readOldest())?.map((e) => e.eventId),
      ['E-000001', 'E-000002'],
    );
    assert.equal(reopened.counters.unreadable, 1);
    await reopened.removeOldest();
    // New files come after the old ones.
    await reopened.append([entry(5)]);
    assert.deepEqual(
      (await reopened.readOldest())?.map((e) => e.eventId),
      ['E-000004'],
    );
    await reopened.removeOldest();
    assert.deepEqual(
      (await reopened.readOldest())?.map((e) => e.eventId),
      ['E-000005'],
    );
  });

  test('entries set aside are kept 0600 in files no drain reads, within the bound, and found again after a restart', async () => {
    const dir = freshDir();
    const size = entryBytes(entry(1));
    const spool = await AuditSpool.open({ dir, maxBytes: size * 4 });
    await spool.append([entry(1)]);
    assert.equal(await spool.setAside([entry(2), entry(3)]), 2);
    assert.deepEqual(spool.counters, { entries: 1, bytes: size * 3, dropped: 0, unreadable: 0, setAside: 2 });
    const names = (await readdir(dir)).sort();
    assert.deepEqual(names, ['000000000001-1.jsonl', 'rejected-000000000002-2.jsonl']);
    assert.equal((await stat(join(dir, names[1]!))).mode & 0o777, 0o600);
    const kept = (await readFile(join(dir, names[1]!), 'utf8')).trim().split('\n').map(decodeSpoolEntry);
    assert.deepEqual(
      kept.map((e) => e?.eventId),
      ['E-000002', 'E-000003'],
    );

    assert.deepEqual(
      (await spool.readOldest())?.map((e) => e.eventId),
      ['E-000001'],
    );
    await spool.removeOldest();
    assert.equal(spool.waiting, false, 'what was set aside does not wait to be drained');
    assert.equal(await spool.readOldest(), undefined);
    assert.equal(
      await spool.append([entry(4), entry(5), entry(6)]),
      2,
      'set-aside files count towards the bound',
    );

    const reopened = await AuditSpool.open({ dir, maxBytes: size * 4 });
    assert.equal(reopened.counters.bytes, size * 4);
    assert.equal(reopened.counters.entries, 2);
    assert.equal(await reopened.setAside([entry(7)]), 0, 'full');
    await reopened.removeOldest();
    assert.equal(await reopened.setAside([entry(7)]), 1);
    assert.deepEqual((await readdir(dir)).sort(), [
      'rejected-000000000002-2.jsonl',
      'rejected-000000000004-1.jsonl',
    ]);
  });

  test('a damaged line in the middle is skipped and counted; the others are read', async () => {
    const dir = freshDir();
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const lines = [
      encodeSpoolEntry(entry(1)),
      '{"eventId":"E-2","record":{"requestId":7}}',
      'garbage',
      encodeSpoolEntry(entry(4)),
    ];
    await writeFile(join(dir, '000000000001-4.jsonl'), `${lines.join('\n')}\n`, { mode: 0o600 });
    const spool = await AuditSpool.open({ dir, maxBytes: 1_000_000 });
    assert.deepEqual(
      (await spool.readOldest())?.map((e) => e.eventId),
      ['E-000001', 'E-000004'],
    );
    assert.equal(spool.counters.unreadable, 2);
  });

  test('refuses a directory that group or others can reach', async () => {
    const dir = freshDir();
    await mkdir(dir, { recursive: true });
    await chmod(dir, 0o755);
    await assert.rejects(AuditSpool.open({ dir, maxBytes: 1000 }), {
      code: 'AuditSpool.Unusable',
      message: new RegExp(`${dir}.*chmod 700`),
    });
    await assert.rejects(AuditSpool.open({ dir: freshDir(), maxBytes: 0 }), RangeError);
  });

  test('never writes a secret, a signature or a SecurityToken a request carried', async () => {
    const dir = freshDir();
    const spool = await AuditSpool.open({ dir, maxBytes: 1_000_000 });
    await spool.append([
      entry(1, {
        params: {
          AccessKeySecret: SECRET,
          Signature: 'c2lnbmF0dXJlLXZhbHVlLXNlY3JldA==',
          SecurityToken: TOKEN,
          UserName: `alice-${SECRET}`,
          Comments: 'free text is never kept',
        },
        userAgent: `sdk ${SECRET} ${TOKEN}`,
        errorMessage: `bad ${SECRET}. server string to sign: ${TOKEN}`,
      }),
    ]);
    const [file] = await readdir(dir);
    const text = await readFile(join(dir, file!), 'utf8');
    for (const forbidden of [SECRET, TOKEN, 'c2lnbmF0dXJlLXZhbHVlLXNlY3JldA==', 'free text']) {
      assert.ok(!text.includes(forbidden), `the spool holds ${forbidden}`);
    }
  });
});

describe('spool entries', () => {
  const text = fc.string({ maxLength: 40 });
  const secretName = fc.constantFrom(
    'AccessKeySecret',
    'Password',
    'SecurityToken',
    'Signature',
    'x-credential',
  );
  const safeName = fc.constantFrom('UserName', 'RoleName', 'Status', 'PolicyName', 'Comments', 'Description');
  const principal: AccessKeyPrincipal = {
    type: 'ram-user',
    accountId: userCaller.accountId as AccountId,
    userName: 'alice' as UserName,
    userId: '2001' as UserId,
  };

  test('an event built from a spooled record is the event the original record gives', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.oneof(secretName, safeName, fc.string({ minLength: 1, maxLength: 12 })), text),
        fc.string({ minLength: 8, maxLength: 30 }),
        fc.option(text, { nil: null }),
        fc.option(text, { nil: null }),
        fc.constantFrom(null, userCaller, roleCaller),
        fc.option(
          fc.record({
            count: fc.integer({ min: 2, max: 1_000_000 }),
            lastTime: fc.date({ min: new Date(0), max: new Date(2 ** 42), noInvalidDate: true }),
          }),
          { nil: undefined },
        ),
        (params, secret, prefix, suffix, caller, folded) => {
          const withSecret = { ...params, AccessKeySecret: secret };
          const record = requestRecord({
            params: withSecret,
            userAgent: prefix === null ? null : `${prefix}${secret}${suffix ?? ''}`,
            errorMessage: suffix === null ? null : `${secret} ${suffix} server string to sign: ${secret}`,
            caller,
            claimedAccessKeyId: caller === null ? USER_KEY : null,
            errorCode: caller === null ? 'InvalidAccessKeyId.Inactive' : null,
          });
          const decoded = decodeSpoolEntry(encodeSpoolEntry({ eventId: 'E-1', record, folded }));
          assert.ok(decoded !== undefined);
          assert.deepEqual(
            decoded.folded,
            folded && { ...folded },
            'an event standing for several requests keeps its count',
          );
          const context = { eventId: 'E-1', principal, region: 'cn-hangzhou' };
          assert.deepEqual(
            buildAuditEvent(decoded.record, { ...context, folded: decoded.folded }),
            buildAuditEvent(record, { ...context, folded }),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  test('a line that is not a whole entry decodes to nothing', () => {
    const line = encodeSpoolEntry(entry(1));
    for (let cut = 0; cut < line.length; cut += 7)
      assert.equal(decodeSpoolEntry(line.slice(0, cut)), undefined);
    assert.equal(
      decodeSpoolEntry('{"eventId":"E","record":{"requestId":"R","time":"not a time"}}'),
      undefined,
    );
    assert.equal(decodeSpoolEntry('[]'), undefined);
    const whole = JSON.parse(encodeSpoolEntry(entry(1)));
    for (const folded of [{ count: 1, lastTime: '2024-05-06T07:08:09.123Z' }, { count: 2 }, 'many']) {
      assert.equal(decodeSpoolEntry(JSON.stringify({ ...whole, folded })), undefined, JSON.stringify(folded));
    }
  });
});
