import type { StoreAuditSink } from '../../src/audit/store-audit-sink.js';
import { serverConfig } from '../../src/config/server-config.js';
import { ACTIONTRAIL_ACTIONS } from '../../src/server/actions/actiontrail/index.js';
import { createServer, type KeyFenceServer } from '../../src/server/keyfence-server.js';
import type { KeyFenceStore } from '../../src/store/index.js';
import { loopbackProxies, testListener } from '../support/server-harness.js';

export interface AuditedServer {
  readonly server: KeyFenceServer;
  readonly url: string;
  readonly port: number;
}

/**
 * A server over `store` that answers ActionTrail's actions (LookupEvents reads back what the
 * calls left) and audits to `sink`, trusting 127.0.0.1 as a proxy so that the tests' own client
 * can stand for any source; listening on a free port.
 */
export async function startAuditedServer(
  store: KeyFenceStore,
  sink: StoreAuditSink,
  options: { readonly pollIntervalMs?: number } = {},
): Promise<AuditedServer> {
  const server = createServer({
    store,
    actions: ACTIONTRAIL_ACTIONS,
    config: serverConfig({
      trustedProxies: loopbackProxies,
      ...(options.pollIntervalMs === undefined ? {} : { sync: { pollIntervalMs: options.pollIntervalMs } }),
    }),
    auditSink: sink,
  });
  const [url] = await server.start([testListener()]);
  return { server, url: url!, port: Number(new URL(url!).port) };
}
