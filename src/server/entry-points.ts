import type { Logger } from 'pino';
import type { AuditSink } from '../audit/audit-sink.js';
import type { ProxyFaultCode } from '../request/source/proxy-protocol/proxy-header.js';
import type { OutageLog } from '../sync/outage-log.js';
import { Exemptions } from './access/exemptions.js';
import { RequestAudit } from './access/request-audit.js';
import { ServiceRoutes } from './access/service-routes.js';
import { ConsoleActions } from './console/console-actions.js';
import { ConsoleApi } from './console/console-api.js';
import { ConsoleAudit } from './console/console-audit.js';
import { ConsoleRoute } from './console/console-route.js';
import { ConsoleSessions } from './console/console-sessions.js';
import { ConsoleSignin } from './console/console-signin.js';
import { ConsoleStatic } from './console/console-static.js';
import { SigninThrottle } from './console/signin-throttle.js';
import { ForwardAuthEndpoint } from './forward-auth/forward-auth-endpoint.js';
import { ForwardAuthRoute } from './forward-auth/forward-auth-route.js';
import { Gateway } from './gateway/gateway.js';
import { HealthEndpoints } from './health/health-endpoints.js';
import { hostIdOf } from './http/host-id.js';
import { KeyFenceMetrics } from './metrics/keyfence-metrics.js';
import type { KeyFenceNode } from './node/keyfence-node.js';
import { ActionRegistry } from './rpc/action-registry.js';
import type { ActionServices } from './rpc/action-services.js';
import type { PoliciesOf } from './rpc/authorize.js';
import { RpcEndpoint } from './rpc/rpc-endpoint.js';
import { RpcRoute } from './rpc/rpc-route.js';
import { attachedPoliciesOf } from './rpc/store-policies.js';
import type { KeyFenceServerOptions } from './server-options.js';

/** What the router hands a request to. */
export interface EntryPoints {
  /** The RPC API at `/`. */
  readonly rpc: RpcRoute;
  readonly forwardAuth: ForwardAuthRoute;
  /** Undefined without routes: gateway listeners then answer 501. */
  readonly gateway: Gateway | undefined;
  /** `/healthz`, `/readyz`, `/metrics`. */
  readonly health: HealthEndpoints;
  /** `/console/` on the listeners that serve it. */
  readonly console: ConsoleRoute;
}

export interface EntryPointParts {
  readonly node: KeyFenceNode;
  readonly audit: AuditSink;
  readonly log: Logger;
  readonly outage: OutageLog;
  readonly now: () => Date;
  readonly proxyHeaderFaults: () => ReadonlyMap<ProxyFaultCode, number>;
}

/** Every entry point of a server, each deciding through `node`'s gate and recording to `audit`. */
export function entryPoints(options: KeyFenceServerOptions, parts: EntryPointParts): EntryPoints {
  const { config, store } = options;
  const { http } = config;
  const { node, log, now } = parts;
  const audit = new RequestAudit({ sink: parts.audit, log, outage: parts.outage, hostId: http.hostId });
  const actions = new ActionRegistry(options.actions);
  const policiesOf = options.policiesOf ?? attachedPoliciesOf(node.attachments);
  const services: ActionServices = {
    store,
    follower: node.follower,
    policyLimits: config.policyLimits,
    auditRetentionDays: config.retention.days,
    exemptServices: new Exemptions(config.exemptServices).wholeServices,
    simulateMaxSources: config.insights.simulateMaxSources,
    logonMaskLimit: config.console.logonMaskLimit,
    recommendBound: {
      v4: config.insights.recommendMaxPrefixV4,
      v6: config.insights.recommendMaxPrefixV6,
    },
    now,
  };
  const rpcEndpoint = new RpcEndpoint({
    ...services,
    actions,
    gate: node.gate,
    policiesOf,
    audit: parts.audit,
  });
  const forwardAuthEndpoint = new ForwardAuthEndpoint({
    gate: node.gate,
    routes: new ServiceRoutes(config.gateway.routes),
    verifySignature: config.forwardAuth.verifySignature,
    hostId: (host) => hostIdOf(host, http.hostId),
  });
  const gateway =
    config.gateway.routes.length === 0
      ? undefined
      : new Gateway({
          gate: node.gate,
          config: config.gateway,
          maxBodyBytes: http.maxBodyBytes,
          hostId: http.hostId,
          now,
          record: (record) => audit.record(record),
          recordDurably: parts.audit.recordDurably,
          onInternalError: (error, requestId) =>
            log.error({ err: error, requestId }, 'gateway request failed'),
        });
  const metrics = new KeyFenceMetrics({
    decisions: node.decisions,
    sync: () => node.sync,
    status: () => node.status,
    audit: () => parts.audit.counters,
    proxyHeaderFaults: parts.proxyHeaderFaults,
  });
  return {
    rpc: new RpcRoute({ endpoint: rpcEndpoint, audit, maxBodyBytes: http.maxBodyBytes }),
    forwardAuth: new ForwardAuthRoute({
      endpoint: forwardAuthEndpoint,
      audit,
      log,
      now,
      hostId: http.hostId,
    }),
    gateway,
    health: new HealthEndpoints(node, metrics),
    console: consoleRoute(options, parts, services, actions, policiesOf),
  };
}

/** The web console, dispatching to the same actions as the RPC API. */
function consoleRoute(
  options: KeyFenceServerOptions,
  parts: EntryPointParts,
  services: ActionServices,
  actions: ActionRegistry,
  policiesOf: PoliciesOf,
): ConsoleRoute {
  const { config, store } = options;
  const { node, log, now } = parts;
  const consoleAudit = new ConsoleAudit(parts.audit, store);
  const sessions = new ConsoleSessions(store, config.console.idleTimeoutMinutes, now);
  const api = new ConsoleApi({
    store,
    sessions,
    signin: new ConsoleSignin({
      store,
      sessions,
      throttle: new SigninThrottle(() => now().getTime()),
      audit: consoleAudit,
      ...(options.passwordHashParameters === undefined
        ? {}
        : { dummyHashParameters: options.passwordHashParameters }),
    }),
    actions: new ConsoleActions({ ...services, actions, policiesOf, audit: consoleAudit }),
    audit: consoleAudit,
    answer: {
      store,
      policiesOf,
      ramActions: actions.ramActions(),
      node: () => ({ nodeId: node.nodeId, appliedVersion: node.appliedVersion, stale: node.status.stale }),
      exemptServices: services.exemptServices,
      policyLimits: config.policyLimits,
      retentionDays: config.retention.days,
    },
    maxBodyBytes: config.http.maxBodyBytes,
    ...(options.passwordHashParameters === undefined
      ? {}
      : { passwordHashParameters: options.passwordHashParameters }),
    log,
  });
  return new ConsoleRoute({
    api,
    files: new ConsoleStatic(options.consoleDir),
    trustedProxies: config.trustedProxies,
    now,
    log,
  });
}
