import type { IncomingMessage, ServerResponse } from 'node:http';
import { serverErrors } from '../errors/api-error.js';
import { sendApiError } from '../errors/error-answers.js';
import { sendJson } from '../http/send-json.js';
import type { KeyFenceMetrics } from '../metrics/keyfence-metrics.js';
import type { KeyFenceNode } from '../node/keyfence-node.js';

const HEALTH_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

/** True for the paths HealthEndpoints answer. */
export function isHealthPath(path: string): boolean {
  return HEALTH_PATHS.has(path);
}

/**
 * Liveness at `/healthz` (the process answers), readiness at `/readyz` (the node decides) and
 * Prometheus metrics at `/metrics`: GET only, never audited.
 */
export class HealthEndpoints {
  readonly #node: KeyFenceNode;
  readonly #metrics: KeyFenceMetrics;

  constructor(node: KeyFenceNode, metrics: KeyFenceMetrics) {
    this.#node = node;
    this.#metrics = metrics;
  }

  /** Answers a request for one of the health paths; `answer` names the request in an error body. */
  async answer(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    answer: { readonly requestId: string; readonly hostId: string },
  ): Promise<void> {
    if (req.method !== 'GET') {
      return sendApiError(req, res, answer, serverErrors.methodNotAllowed('GET'), 'GET');
    }
    if (path === '/healthz') return sendJson(res, 200, { status: 'ok' }, undefined);
    if (path === '/metrics') {
      const text = await this.#metrics.text();
      res.writeHead(200, {
        'content-type': this.#metrics.contentType,
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
      return;
    }
    const node = this.#node;
    if (!node.ready)
      return sendJson(res, 503, { status: node.stopping ? 'stopping' : 'starting' }, undefined);
    // Stale or not, a ready node answers 200: it keeps deciding from memory (fail-static), and a
    // load balancer must not take every node out at once while the database is away.
    const { stale, staleForMs } = node.staleness;
    return sendJson(
      res,
      200,
      { status: 'ready', appliedVersion: node.appliedVersion, nodeId: node.nodeId, stale, staleForMs },
      undefined,
    );
  }
}
