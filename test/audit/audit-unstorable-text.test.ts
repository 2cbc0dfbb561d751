/**
 * Requests carrying text a database cannot store (a NUL, percent-encoded in the query) through a
 * real server, on SQLite and on PostgreSQL (which refuses a NUL in text): every event is stored,
 * the NUL replaced by U+FFFD, the rest of the batch with it, and nothing reaches the spool.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AuditSpool } from '../../src/audit/audit-spool.js';
import type { FailedBatch } from '../../src/audit/audit-writer.js';
import { StoreAuditSink } from '../../src/audit/store-audit-sink.js';
import type { KeyFenceServer } from '../../src/server/keyfence-server.js';
import type { AccountId, KeyFenceStore } from '../../src/store/index.js';
import { useDialects } from '../store/support/dialects.js';
import { newAccount, rawRows, storeHarness } from '../store/support/store-harness.js';
import { type Credentials, call, expectError, expectSuccess, send } from '../support/server-harness.js';
import { startAuditedServer } from './audited-server.js';

const ACTIONTRAIL = '2020-07-06';
const root = await mkdtemp(join(tmpdir(), 'keyfence-unstorable-'));
after(() => rm(root, { recursive: true, force: true }));
let spools = 0;

for (const fixture of useDialects()) {
  describe(`requests carrying a NUL through the server, on ${fixture.name}`, () => {
    const harness = storeHarness(fixture);
    let store: KeyFenceStore;
    let config: Awaited<ReturnType<typeof harness.fresh>>['config'];
    let server: KeyFenceServer;
    let sink: StoreAuditSink;
    let spoolDir: string;
    let port: number;
    let accountId: AccountId;
    let caller: Credentials;
    const errors: Array<{ error: unknown; batch: FailedBatch }> = [];

    before(async () => {
      ({ store, config } = await harness.fresh());
      accountId = await newAccount(store);
      const key = await store.write((tx) => tx.createAccessKey(accountId));
      caller = { accessKeyId: key.accessKeyId, accessKeySecret: key.accessKeySecret };
      spoolDir = join(root, `spool-${++spools}`);
      sink = new StoreAuditSink(store, {
        flushIntervalMs: 3_600_000,
        spool: await AuditSpool.open({ dir: spoolDir, maxBytes: 1_000_000 }),
        onError: (error, batch) => errors.push({ error, batch }),
      });
      ({ server, port } = await startAuditedServer(store, sink));
    });

    after(async () => {
      await server.close();
      await sink.close();
    });

    test('every event is stored with U+FFFD for the NUL, in the same batch as the others', async () => {
      // Refused before authentication: an AccessKeyId, an Action and a Version with a NUL.
      const unsigned = await send(port, {
        path: '/?AccessKeyId=LTAI%00x&Action=List%00Users&Version=2019-08-15%00',
      });
      expectError(unsigned, 400, unsigned.body.Code);
      // The same through forward-auth, as a gateway asks about it.
      const asked = await send(port, {
        path: '/forward-auth',
        headers: {
          host: 'ecs.example.com',
          'x-original-method': 'GET',
          'x-original-uri': '/?Action=DescribeRegions&AccessKeyId=LTAI%00y',
          'x-forwarded-for': '198.51.100.7',
        },
      });
      assert.notEqual(asked.status, 200, asked.text);
      // Signed, so that its event belongs to the caller's account: an Action with a NUL.
      const signed = await call(port, {
        action: 'Lookup\u0000Events',
        version: ACTIONTRAIL,
        signature: 'v2',
        credentials: caller,
      });
      expectError(signed, 404, 'InvalidAction.NotFound');
      const lookup = (params: Record<string, string>) =>
        call(port, { action: 'LookupEvents', version: ACTIONTRAIL, params, credentials: caller });
      expectSuccess(await lookup({}));
      await sink.flush();

      assert.equal(sink.counters.written, 4);
      assert.equal(sink.counters.rejected, 0);
      assert.equal(sink.counters.spooled, 0);
      assert.deepEqual(errors, []);
      assert.deepEqual(await readdir(spoolDir), []);

      const found = expectSuccess(
        await lookup({
          'LookupAttribute.1.Key': 'RequestId',
          'LookupAttribute.1.Value': signed.body.RequestId,
        }),
      );
      assert.equal(found.Events.length, 1);
      assert.equal(found.Events[0].eventName, 'Lookup\uFFFDEvents');
      assert.equal(found.Events[0].userIdentity.accessKeyId, caller.accessKeyId);

      const rows = await rawRows(
        config,
        `select request_id, access_key_id, event_name, event from audit_events
         where request_id in ('${unsigned.body.RequestId}', '${asked.body.RequestId}') order by access_key_id`,
      );
      assert.deepEqual(
        rows.map((row) => [row.access_key_id, row.event_name]),
        [
          ['LTAI\uFFFDx', 'List\uFFFDUsers'],
          ['LTAI\uFFFDy', 'DescribeRegions'],
        ],
      );
      const unsignedEvent = JSON.parse(String(rows[0]!.event));
      assert.equal(unsignedEvent.apiVersion, '2019-08-15\uFFFD');
      assert.equal(unsignedEvent.userIdentity.accessKeyId, 'LTAI\uFFFDx');
      for (const row of rows) assert.doesNotMatch(String(row.event), /\\u0000/);
    });
  });
}
