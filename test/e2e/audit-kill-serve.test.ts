/**
 * Audit durability of the real `keyfence serve` (the built CLI: `npm run build` first) under
 * kill -9 (docs/audit.md, "Durability"): every acknowledged call that changed state has its event
 * in the store, since it was stored in the change's own transaction, and a change that rolled back
 * has none; under `audit.durability: strict`, so does an acknowledged forward-auth check, and a
 * request the gateway answered (upstream's answer or refusal).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { SQLITE_FILE_NAME } from '../../src/store/index.js';
import {
  callApi,
  classic,
  openApiClient,
  policy,
  principalName,
  sdkError,
  VERSIONS,
} from '../interop/support/sdk.js';
import { signOriginal, viaNginx } from '../server/forward-auth/support.js';
import { startUpstream } from '../support/gateway-upstream.js';
import { type KeyFenceProcess, startKeyFence } from '../support/keyfence-process.js';
import { send } from '../support/server-harness.js';

const USERS = 12;
const POLICIES = 12;
const root = await mkdtemp(join(tmpdir(), 'keyfence-audit-kill-'));
after(() => rm(root, { recursive: true, force: true }));

/**
 * `keyfence serve --config` on a fresh data directory, with `audit` as given, and the rest of the
 * file (`listeners`, `gateway`) from `more`.
 */
async function serve(
  name: string,
  audit: Record<string, unknown>,
  more: Record<string, unknown> = {},
): Promise<KeyFenceProcess> {
  const config = join(root, `${name}.json`);
  await writeFile(config, JSON.stringify({ trustedProxies: ['127.0.0.1'], audit, ...more }));
  const server = await startKeyFence({ built: true, config });
  after(() => server.stop());
  return server;
}

interface StoredEvent {
  readonly request_id: string;
  readonly event_name: string | null;
  readonly error_code: string | null;
}

/** The events the store holds after the process is gone, read as the next start would. */
function storedEvents(dataDir: string): StoredEvent[] {
  const database = new Database(join(dataDir, SQLITE_FILE_NAME));
  try {
    return database
      .prepare('select request_id, event_name, error_code from audit_events')
      .all() as StoredEvent[];
  } finally {
    database.close();
  }
}

describe('audit events under kill -9 (keyfence serve)', () => {
  test('every acknowledged change has its event; a change that rolled back has none', async () => {
    const server = await serve('changes', {});
    const { accountId } = server.root;
    const client = openApiClient({ endpoint: `127.0.0.1:${server.port}` }, server.root);
    const acknowledged = new Map<string, string>();
    const created = await Promise.all(
      Array.from({ length: USERS }, (_, i) =>
        callApi(client, 'CreateUser', VERSIONS.ims, {
          UserPrincipalName: principalName(`user${i}`, accountId),
          DisplayName: `user ${i}`,
        }),
      ),
    );
    for (const reply of created) acknowledged.set(String(reply.body.RequestId), 'CreateUser');
    // The store makes the user, then the domain check throws inside the transaction: rolled back.
    const refused = await sdkError(
      callApi(client, 'CreateUser', VERSIONS.ims, {
        UserPrincipalName: `rolledback@${accountId}.wrong-domain.com`,
        DisplayName: 'rolled back',
      }),
      'CreateUser with another domain',
    );
    assert.equal(refused.statusCode, 400);
    const set = await Promise.all(
      Array.from({ length: POLICIES }, (_, i) =>
        callApi(client, 'SetAccessKeyPolicy', VERSIONS.ims, {
          UserAccessKeyId: server.root.accessKeyId,
          AccessKeyPolicy: policy('Active', classic('127.0.0.0/8', `192.0.2.${i}`)),
        }),
      ),
    );
    for (const reply of set) acknowledged.set(String(reply.body.RequestId), 'SetAccessKeyPolicy');
    const exit = await server.crash();
    assert.equal(exit.signal, 'SIGKILL');

    const events = storedEvents(server.dataDir);
    const succeeded = new Map(
      events
        .filter((event) => event.error_code === null)
        .map((event) => [event.request_id, event.event_name]),
    );
    const missing = [...acknowledged].filter(([requestId]) => !succeeded.has(requestId));
    assert.deepEqual(
      missing,
      [],
      `${missing.length} of ${acknowledged.size} acknowledged changes have no event`,
    );
    for (const [requestId, action] of acknowledged) assert.equal(succeeded.get(requestId), action);
    // Nothing else succeeded: the rolled-back CreateUser left no event saying it did.
    const createdEvents = [...succeeded.values()].filter((name) => name === 'CreateUser');
    assert.equal(createdEvents.length, USERS);
    assert.equal(
      events.filter((event) => event.event_name === 'CreateUser' && event.error_code === null).length,
      USERS,
    );
  });

  test('under audit.durability: strict an acknowledged forward-auth check has its event', async () => {
    const server = await serve('strict', { durability: 'strict' });
    const reply = await viaNginx(server.port, signOriginal({ credentials: server.root, path: '/instances' }));
    assert.equal(reply.status, 200, reply.text);
    const requestId = String(reply.headers['x-keyfence-request-id']);
    await server.crash();

    const events = storedEvents(server.dataDir);
    assert.ok(
      events.some((event) => event.request_id === requestId && event.error_code === null),
      `no event for the acknowledged check ${requestId} among ${events.length}`,
    );
  });

  test('under audit.durability: strict every request the gateway answered has its event', async () => {
    const upstream = await startUpstream();
    const server = await serve(
      'strict-gateway',
      { durability: 'strict', coalesce: false },
      {
        listeners: [{ listen: '127.0.0.1:0' }, { listen: '127.0.0.1:0', role: 'gateway' }],
        gateway: { routes: [{ host: 'ecs.example.com', service: 'ecs', upstream: upstream.url.href }] },
      },
    );
    const gatewayPort = server.ports[1]!;
    const forwarded = await Promise.all(
      Array.from({ length: 5 }, (_, i) => {
        const original = signOriginal({ credentials: server.root, path: `/instances/${i}` });
        return send(gatewayPort, {
          method: original.method,
          path: original.target,
          headers: original.headers,
        });
      }),
    );
    const unsigned = await send(gatewayPort, { path: '/instances', headers: { host: 'ecs.example.com' } });
    assert.equal(unsigned.status, 400, unsigned.text);
    const acknowledged = new Map<string, string | null>([
      [String(unsigned.body.RequestId), 'MissingAccessKeyId'],
    ]);
    for (const reply of forwarded) {
      assert.equal(reply.status, 200, reply.text);
      // The upstream echoes X-KeyFence-Request-Id, the event's RequestId.
      acknowledged.set(String(reply.body.RequestId), null);
    }
    await server.crash();

    const events = new Map(storedEvents(server.dataDir).map((event) => [event.request_id, event.error_code]));
    const missing = [...acknowledged.keys()].filter((requestId) => !events.has(requestId));
    assert.deepEqual(
      missing,
      [],
      `${missing.length} of ${acknowledged.size} answered requests have no event`,
    );
    for (const [requestId, errorCode] of acknowledged) assert.equal(events.get(requestId), errorCode);
  });
});
