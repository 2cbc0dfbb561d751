/**
 * The configuration loader: every key valid and invalid, YAML and JSON alike, every problem
 * reported at once with its key path and code, unknown and duplicate keys refused, and the
 * precedence flag > environment > file.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import type { ConfigFlags } from '../../src/config/build-config.js';
import type { ConfigProblem } from '../../src/config/config-problem.js';
import type { KeyFenceConfig } from '../../src/config/keyfence-config.js';
import { loadConfig } from '../../src/config/load-config.js';
import { DEFAULT_POLICY_LIMITS } from '../../src/policy/policy-limits.js';

const dir = await mkdtemp(join(tmpdir(), 'keyfence-config-'));
after(() => rm(dir, { recursive: true, force: true }));
let files = 0;

async function file(text: string, extension = 'yaml'): Promise<string> {
  const path = join(dir, `config-${++files}.${extension}`);
  await writeFile(path, text);
  return path;
}

interface Load {
  readonly yaml?: string;
  readonly json?: string;
  readonly flags?: ConfigFlags;
  readonly env?: NodeJS.ProcessEnv;
}

async function load({ yaml, json, flags = {}, env = {} }: Load) {
  const config =
    yaml !== undefined ? await file(yaml) : json !== undefined ? await file(json, 'json') : undefined;
  return loadConfig(config === undefined ? flags : { config, ...flags }, env, 'node-a');
}

async function valid(input: Load): Promise<KeyFenceConfig> {
  const loaded = await load(input);
  assert.ok(loaded.ok, JSON.stringify(loaded.ok ? null : loaded.error, null, 1));
  return loaded.value;
}

async function problems(input: Load): Promise<ConfigProblem[]> {
  const loaded = await load(input);
  assert.equal(loaded.ok, false, 'the configuration is refused');
  return loaded.ok ? [] : loaded.error;
}

/** The problems as `path code` lines, for exact comparison. */
const summary = (found: readonly ConfigProblem[]) => found.map((p) => `${p.path} ${p.code}`);

async function expectProblem(input: Load, path: string, code: string): Promise<ConfigProblem> {
  const found = await problems(input);
  assert.deepEqual(summary(found), [`${path} ${code}`], JSON.stringify(found, null, 1));
  return found[0]!;
}

const FULL_YAML = `
data: /var/lib/keyfence
nodeId: edge-1
listeners:
  - listen: 0.0.0.0:8080
  - listen: "[::]:8443"
    role: gateway
    proxyProtocol: v2
    proxyProtocolFrom: [10.0.0.9/32]
  - listen: 10.0.0.5:8081
    proxyProtocol: any
    proxyProtocolFrom: [10.0.0.9/32, 10.0.0.10/32]
    vpcEndpointOf: vpc-bp1abc
trustedProxies: [10.0.0.0/8, "fd00::/8"]
vpcEndpoints:
  vpce-0a1b2c3d: vpc-bp1abc
exemptServices:
  - sts
  - service: oss
    pathPrefixes: [/public/, /health]
policyLimits:
  maxStatements: 16
replayProtection: memory
forwardAuth:
  verifySignature: false
gateway:
  routes:
    - host: "*.ECS.example.com"
      service: ecs
      upstream: http://127.0.0.1:9000/api
    - version: 2014-05-26
      service: ecs
      upstream: http://ecs.internal:80
  upstreamTimeoutMs: 5000
sync:
  pollIntervalMs: 500
  heartbeatMs: 2000
  staleAfterMs: 10000
audit:
  spoolDir: /var/spool/keyfence
  spoolMaxBytes: 1048576
  coalesce: false
  durability: async
`;

function comparable(config: KeyFenceConfig) {
  return {
    ...config,
    listeners: config.listeners.map((listener) =>
      listener.proxyProtocolFrom === undefined
        ? listener
        : { ...listener, proxyProtocolFrom: listener.proxyProtocolFrom.size },
    ),
    trustedProxies: config.trustedProxies.size,
    vpcEndpoints: [...config.vpcEndpoints],
    gateway: {
      ...config.gateway,
      routes: config.gateway.routes.map((r) => ({ ...r, upstream: r.upstream.href })),
    },
  };
}

describe('defaults', () => {
  test('nothing given: the documented defaults', async () => {
    const config = await valid({});
    const dataDir = resolve('keyfence-data');
    assert.deepEqual(comparable(config), {
      dataDir,
      database: { dialect: 'sqlite', file: join(dataDir, 'keyfence.db') },
      nodeId: 'node-a-8080',
      listeners: [
        {
          address: { host: '127.0.0.1', port: 8080 },
          role: 'api',
          proxyProtocol: 'off',
          vpcEndpointOf: undefined,
        },
      ],
      trustedProxies: 0,
      vpcEndpoints: [],
      exemptServices: [],
      policyLimits: DEFAULT_POLICY_LIMITS,
      replayProtection: 'store',
      forwardAuth: { verifySignature: true },
      gateway: { routes: [], upstreamTimeoutMs: 30_000 },
      sync: { pollIntervalMs: 1000, heartbeatMs: 1000, staleAfterMs: 5000 },
      audit: {
        spoolDir: join(dataDir, 'audit-spool'),
        spoolMaxBytes: 256 * 1024 * 1024,
        coalesce: true,
        durability: 'async',
        retentionDays: 90,
      },
      insights: { simulateMaxSources: 10_000, recommendMaxPrefixV4: 16, recommendMaxPrefixV6: 48 },
      console: { enabled: undefined, idleTimeoutMinutes: 30, logonMaskLimit: 40 },
    });
  });

  test('an empty YAML file and an empty JSON object are the defaults too', async () => {
    assert.deepEqual(comparable(await valid({ yaml: '' })), comparable(await valid({})));
    assert.deepEqual(comparable(await valid({ json: '{}' })), comparable(await valid({})));
  });
});

describe('every key', () => {
  test('replayProtection chooses where signature nonces are remembered', async () => {
    assert.equal((await valid({ yaml: 'replayProtection: memory' })).replayProtection, 'memory');
    assert.equal((await valid({ json: '{"replayProtection": "store"}' })).replayProtection, 'store');
  });

  test('forwardedHeader picks the one forwarding header trusted proxies are believed in', async () => {
    assert.equal(
      (await valid({ yaml: 'trustedProxies: [10.0.0.0/8]' })).trustedProxies.forwardedHeader,
      'x-forwarded-for',
    );
    const forwarded = await valid({ yaml: 'trustedProxies: [10.0.0.0/8]\nforwardedHeader: forwarded' });
    assert.equal(forwarded.trustedProxies.forwardedHeader, 'forwarded');
    assert.equal(forwarded.trustedProxies.size, 1);
  });

  test('audit.retentionDays: any whole number of days from 1 to 3650', async () => {
    for (const days of [1, 30, 3650]) {
      assert.equal((await valid({ yaml: `audit: {retentionDays: ${days}}` })).audit.retentionDays, days);
    }
    const problem = await expectProblem(
      { yaml: 'audit: {retentionDays: 0}' },
      'audit.retentionDays',
      'Config.InvalidValue',
    );
    assert.equal(problem.message, 'expected a whole number from 1 to 3650, got 0');
  });

  test('console.enabled and console.idleTimeoutMinutes', async () => {
    const config = await valid({ yaml: 'console: {enabled: false, idleTimeoutMinutes: 5}' });
    assert.deepEqual(config.console, { enabled: false, idleTimeoutMinutes: 5, logonMaskLimit: 40 });
    assert.equal((await valid({ yaml: 'console: {enabled: true}' })).console.enabled, true);
    for (const value of [0, 1441, 2.5, '"x"']) {
      await expectProblem(
        { yaml: `console: {idleTimeoutMinutes: ${value}}` },
        'console.idleTimeoutMinutes',
        'Config.InvalidValue',
      );
    }
    await expectProblem({ yaml: 'console: {enabled: maybe}' }, 'console.enabled', 'Config.InvalidValue');
  });

  test('insights.simulateMaxSources: any whole number from 1', async () => {
    const config = await valid({ yaml: 'insights: {simulateMaxSources: 500}' });
    assert.equal(config.insights.simulateMaxSources, 500);
    for (const value of ['0', '1.5', 'many']) {
      await expectProblem(
        { yaml: `insights: {simulateMaxSources: ${value}}` },
        'insights.simulateMaxSources',
        'Config.InvalidValue',
      );
    }
  });

  test('console.logonMaskLimit: a whole number of masks from 1 to 256', async () => {
    assert.equal((await valid({ yaml: 'console: {logonMaskLimit: 10}' })).console.logonMaskLimit, 10);
    assert.equal((await valid({ yaml: 'console: {logonMaskLimit: 256}' })).console.logonMaskLimit, 256);
    for (const value of ['0', '257', '1.5', '"40"']) {
      await expectProblem(
        { yaml: `console: {logonMaskLimit: ${value}}` },
        'console.logonMaskLimit',
        'Config.InvalidValue',
      );
    }
  });

  test('insights.recommendMaxPrefixV4/V6: a prefix length no wider than lint accepts', async () => {
    const config = await valid({ yaml: 'insights: {recommendMaxPrefixV4: 24, recommendMaxPrefixV6: 128}' });
    assert.deepEqual(config.insights, {
      simulateMaxSources: 10_000,
      recommendMaxPrefixV4: 24,
      recommendMaxPrefixV6: 128,
    });
    const problem = await expectProblem(
      { yaml: 'insights: {recommendMaxPrefixV4: 7}' },
      'insights.recommendMaxPrefixV4',
      'Config.InvalidValue',
    );
    assert.equal(problem.message, 'expected a prefix length from 8 to 32, got 7');
    await expectProblem(
      { yaml: 'insights: {recommendMaxPrefixV6: 129}' },
      'insights.recommendMaxPrefixV6',
      'Config.InvalidValue',
    );
    await expectProblem(
      { yaml: 'insights: {recommendMaxPrefix: 16}' },
      'insights.recommendMaxPrefix',
      'Config.UnknownKey',
    );
  });

  test('strict audit durability goes with gateway routes', async () => {
    const config = await valid({
      yaml: 'audit: {durability: strict}\ngateway: {routes: [{service: ecs, host: ecs.example.com, upstream: "http://127.0.0.1:9"}]}',
    });
    assert.equal(config.audit.durability, 'strict');
    assert.equal(config.gateway.routes.length, 1);
  });

  test('a full YAML file', async () => {
    const config = await valid({ yaml: FULL_YAML });
    assert.deepEqual(comparable(config), {
      dataDir: '/var/lib/keyfence',
      database: { dialect: 'sqlite', file: '/var/lib/keyfence/keyfence.db' },
      nodeId: 'edge-1',
      listeners: [
        {
          address: { host: '0.0.0.0', port: 8080 },
          role: 'api',
          proxyProtocol: 'off',
          vpcEndpointOf: undefined,
        },
        {
          address: { host: '::', port: 8443 },
          role: 'gateway',
          proxyProtocol: 'v2',
          proxyProtocolFrom: 1,
          vpcEndpointOf: undefined,
        },
        {
          address: { host: '10.0.0.5', port: 8081 },
          role: 'api',
          proxyProtocol: 'any',
          proxyProtocolFrom: 2,
          vpcEndpointOf: 'vpc-bp1abc',
        },
      ],
      trustedProxies: 2,
      vpcEndpoints: [['vpce-0a1b2c3d', 'vpc-bp1abc']],
      exemptServices: [
        { service: 'sts', pathPrefixes: [] },
        { service: 'oss', pathPrefixes: ['/public/', '/health'] },
      ],
      policyLimits: { ...DEFAULT_POLICY_LIMITS, maxStatements: 16 },
      replayProtection: 'memory',
      forwardAuth: { verifySignature: false },
      gateway: {
        routes: [
          {
            host: '*.ecs.example.com',
            version: undefined,
            service: 'ecs',
            upstream: 'http://127.0.0.1:9000/api',
          },
          { host: undefined, version: '2014-05-26', service: 'ecs', upstream: 'http://ecs.internal/' },
        ],
        upstreamTimeoutMs: 5000,
      },
      sync: { pollIntervalMs: 500, heartbeatMs: 2000, staleAfterMs: 10_000 },
      audit: {
        spoolDir: '/var/spool/keyfence',
        spoolMaxBytes: 1_048_576,
        coalesce: false,
        durability: 'async',
        retentionDays: 90,
      },
      insights: { simulateMaxSources: 10_000, recommendMaxPrefixV4: 16, recommendMaxPrefixV6: 48 },
      console: { enabled: undefined, idleTimeoutMinutes: 30, logonMaskLimit: 40 },
    });
    assert.ok(config.trustedProxies.contains('10.1.2.3'));
    assert.ok(config.trustedProxies.contains('fd00::1'));
    assert.ok(!config.trustedProxies.contains('192.0.2.1'));
  });

  test('the same file in JSON is the same configuration', async () => {
    const { parse } = await import('yaml');
    const json = JSON.stringify(parse(FULL_YAML));
    assert.deepEqual(comparable(await valid({ json })), comparable(await valid({ yaml: FULL_YAML })));
  });

  test('databaseUrl selects PostgreSQL', async () => {
    const config = await valid({ yaml: 'databaseUrl: postgres://kf@db.example:5432/keyfence' });
    assert.deepEqual(config.database, {
      dialect: 'postgres',
      connectionString: 'postgres://kf@db.example:5432/keyfence',
    });
  });

  test('listen is the one api listener; the node ID follows its port', async () => {
    const config = await valid({ yaml: 'listen: "[::1]:9000"' });
    assert.deepEqual(config.listeners, [
      { address: { host: '::1', port: 9000 }, role: 'api', proxyProtocol: 'off', vpcEndpointOf: undefined },
    ]);
    assert.equal(config.nodeId, 'node-a-9000');
  });

  test('exempt service codes are taken in lower case', async () => {
    const config = await valid({ yaml: 'exemptServices: [STS, {service: ActionTrail}]' });
    assert.deepEqual(config.exemptServices, [
      { service: 'sts', pathPrefixes: [] },
      { service: 'actiontrail', pathPrefixes: [] },
    ]);
  });
});

describe('invalid values, each named by its key path', () => {
  const cases: readonly (readonly [string, string, string])[] = [
    ['data: ""', 'data', 'Config.InvalidValue'],
    ['data: 7', 'data', 'Config.InvalidValue'],
    ['databaseUrl: mysql://db/x', 'databaseUrl', 'Config.InvalidValue'],
    ['nodeId: "node one"', 'nodeId', 'Config.InvalidValue'],
    ['nodeId: -x', 'nodeId', 'Config.InvalidValue'],
    ['listen: 127.0.0.1', 'listen', 'Config.InvalidValue'],
    ['listen: 8080', 'listen', 'Config.InvalidValue'],
    ['forwardedHeader: x-real-ip', 'forwardedHeader', 'Config.InvalidValue'],
    ['listeners: []', 'listeners', 'Config.InvalidValue'],
    ['listeners: {listen: "127.0.0.1:1"}', 'listeners', 'Config.InvalidValue'],
    ['listeners: [{role: api}]', 'listeners[0].listen', 'Config.Missing'],
    [
      'listeners: [{listen: "127.0.0.1:1", proxyProtocol: v2, proxyProtocolFrom: [lb]}]',
      'listeners[0].proxyProtocolFrom[0]',
      'Config.InvalidValue',
    ],
    // Nobody allowed to send the header: every connection, health checks included, would be
    // refused. trustedProxies (whose X-Forwarded-For is believed) is not a fallback.
    [
      'listeners: [{listen: "127.0.0.1:1", proxyProtocol: v2}]',
      'listeners[0].proxyProtocolFrom',
      'Config.Missing',
    ],
    [
      'trustedProxies: [127.0.0.0/8]\nlisteners: [{listen: "127.0.0.1:1", proxyProtocol: v1}]',
      'listeners[0].proxyProtocolFrom',
      'Config.Missing',
    ],
    [
      'listeners: [{listen: "127.0.0.1:1", proxyProtocol: any, proxyProtocolFrom: []}]',
      'listeners[0].proxyProtocolFrom',
      'Config.Missing',
    ],
    ['listeners: ["127.0.0.1:1"]', 'listeners[0]', 'Config.InvalidValue'],
    ['listeners: [{listen: "127.0.0.1:1", role: admin}]', 'listeners[0].role', 'Config.InvalidValue'],
    [
      'listeners: [{listen: "127.0.0.1:1", proxyProtocol: v3}]',
      'listeners[0].proxyProtocol',
      'Config.InvalidValue',
    ],
    [
      'listeners: [{listen: "127.0.0.1:1", proxyProtocol: true}]',
      'listeners[0].proxyProtocol',
      'Config.InvalidValue',
    ],
    [
      'listeners: [{listen: "127.0.0.1:1", vpcEndpointOf: VPC-1}]',
      'listeners[0].vpcEndpointOf',
      'Config.InvalidValue',
    ],
    [
      'listeners: [{listen: "127.0.0.1:1", vpcEndpointOf: ""}]',
      'listeners[0].vpcEndpointOf',
      'Config.InvalidValue',
    ],
    [
      'listeners: [{listen: "127.0.0.1:8080"}, {listen: "127.0.0.1:8080", role: gateway}]\ngateway: {routes: [{version: 2014-05-26, service: ecs, upstream: "http://u"}]}',
      'listeners[1].listen',
      'Config.InvalidValue',
    ],
    ['trustedProxies: 10.0.0.0/8', 'trustedProxies', 'Config.InvalidValue'],
    ['trustedProxies: [10.0.0.0/33]', 'trustedProxies[0]', 'Config.InvalidValue'],
    ['trustedProxies: [10.0.0.0/8, 010.0.0.0/8]', 'trustedProxies[1]', 'Config.InvalidValue'],
    ['trustedProxies: [8]', 'trustedProxies[0]', 'Config.InvalidValue'],
    ['vpcEndpoints: [vpce-1]', 'vpcEndpoints', 'Config.InvalidValue'],
    ['vpcEndpoints: {vpce-1: vpc_1}', 'vpcEndpoints.vpce-1', 'Config.InvalidValue'],
    ['vpcEndpoints: {"vpce 1": vpc-1}', 'vpcEndpoints.vpce 1', 'Config.InvalidValue'],
    ['exemptServices: sts', 'exemptServices', 'Config.InvalidValue'],
    ['exemptServices: ["i m s"]', 'exemptServices[0]', 'Config.InvalidValue'],
    ['exemptServices: [sts, STS]', 'exemptServices[1]', 'Config.InvalidValue'],
    ['exemptServices: [{pathPrefixes: [/x]}]', 'exemptServices[0].service', 'Config.Missing'],
    [
      'exemptServices: [{service: oss, pathPrefixes: [public]}]',
      'exemptServices[0].pathPrefixes[0]',
      'Config.InvalidValue',
    ],
    [
      'exemptServices: [{service: oss, pathPrefixes: ["/a?b"]}]',
      'exemptServices[0].pathPrefixes[0]',
      'Config.InvalidValue',
    ],
    [
      'exemptServices: [{service: oss, pathPrefixes: /x}]',
      'exemptServices[0].pathPrefixes',
      'Config.InvalidValue',
    ],
    ['policyLimits: {maxStatements: 0}', 'policyLimits.maxStatements', 'Config.InvalidValue'],
    [
      'policyLimits: {maxEntriesPerStatement: 1.5}',
      'policyLimits.maxEntriesPerStatement',
      'Config.InvalidValue',
    ],
    ['policyLimits: 8', 'policyLimits', 'Config.InvalidValue'],
    ['forwardAuth: {verifySignature: "no"}', 'forwardAuth.verifySignature', 'Config.InvalidValue'],
    ['gateway: {upstreamTimeoutMs: 0}', 'gateway.upstreamTimeoutMs', 'Config.InvalidValue'],
    ['gateway: {upstreamTimeoutMs: 2147483648}', 'gateway.upstreamTimeoutMs', 'Config.InvalidValue'],
    ['gateway: {routes: [{service: ecs, upstream: "http://u"}]}', 'gateway.routes[0]', 'Config.Missing'],
    [
      'gateway: {routes: [{host: a.example, upstream: "http://u"}]}',
      'gateway.routes[0].service',
      'Config.Missing',
    ],
    ['gateway: {routes: [{host: a.example, service: ecs}]}', 'gateway.routes[0].upstream', 'Config.Missing'],
    [
      'gateway: {routes: [{host: "a.example:80", service: ecs, upstream: "http://u"}]}',
      'gateway.routes[0].host',
      'Config.InvalidValue',
    ],
    [
      'gateway: {routes: [{host: "a.*.example", service: ecs, upstream: "http://u"}]}',
      'gateway.routes[0].host',
      'Config.InvalidValue',
    ],
    [
      'gateway: {routes: [{version: "2014-5-26", service: ecs, upstream: "http://u"}]}',
      'gateway.routes[0].version',
      'Config.InvalidValue',
    ],
    [
      'gateway: {routes: [{host: a.example, service: ECS, upstream: "http://u"}]}',
      'gateway.routes[0].service',
      'Config.InvalidValue',
    ],
    [
      'gateway: {routes: [{host: a.example, service: ecs, upstream: "ftp://u"}]}',
      'gateway.routes[0].upstream',
      'Config.InvalidValue',
    ],
    [
      'gateway: {routes: [{host: a.example, service: ecs, upstream: "not a url"}]}',
      'gateway.routes[0].upstream',
      'Config.InvalidValue',
    ],
    [
      'gateway: {routes: [{host: a.example, service: ecs, upstream: "http://u/?x=1"}]}',
      'gateway.routes[0].upstream',
      'Config.InvalidValue',
    ],
    ['sync: {pollIntervalMs: -1}', 'sync.pollIntervalMs', 'Config.InvalidValue'],
    ['sync: {heartbeatMs: "1s"}', 'sync.heartbeatMs', 'Config.InvalidValue'],
    ['sync: {pollIntervalMs: 5000}', 'sync.staleAfterMs', 'Config.InvalidValue'],
    ['audit: {spoolDir: ""}', 'audit.spoolDir', 'Config.InvalidValue'],
    ['audit: {spoolMaxBytes: 0}', 'audit.spoolMaxBytes', 'Config.InvalidValue'],
    ['audit: {coalesce: "no"}', 'audit.coalesce', 'Config.InvalidValue'],
    ['audit: {durability: "sync"}', 'audit.durability', 'Config.InvalidValue'],
    ['audit: {retentionDays: 0}', 'audit.retentionDays', 'Config.InvalidValue'],
    ['audit: {retentionDays: -7}', 'audit.retentionDays', 'Config.InvalidValue'],
    ['audit: {retentionDays: 3651}', 'audit.retentionDays', 'Config.InvalidValue'],
    ['audit: {retentionDays: 1.5}', 'audit.retentionDays', 'Config.InvalidValue'],
    ['audit: {retentionDays: "90"}', 'audit.retentionDays', 'Config.InvalidValue'],
    ['audit: {retentionDays: null}', 'audit.retentionDays', 'Config.InvalidValue'],
    ['replayProtection: disk', 'replayProtection', 'Config.InvalidValue'],
    ['replayProtection: true', 'replayProtection', 'Config.InvalidValue'],
    ['[1, 2]', '(top level)', 'Config.InvalidValue'],
  ];
  for (const [yaml, path, code] of cases) {
    test(`${yaml} → ${path} ${code}`, async () => {
      const problem = await expectProblem({ yaml }, path, code);
      assert.ok(problem.message.length > 0);
    });
  }

  test('the message says what is expected', async () => {
    const problem = await expectProblem(
      { yaml: 'listeners: [{listen: "127.0.0.1:1"}, {listen: "127.0.0.1:2", proxyProtocol: v3}]' },
      'listeners[1].proxyProtocol',
      'Config.InvalidValue',
    );
    assert.equal(problem.message, 'expected one of off, v1, v2, any, got "v3"');
  });

  test('passwords in URLs are never echoed', async () => {
    const db = await expectProblem(
      { yaml: 'databaseUrl: mysql://u:hunter2@db/x' },
      'databaseUrl',
      'Config.InvalidValue',
    );
    assert.ok(!db.message.includes('hunter2'));
    const upstream = await expectProblem(
      { yaml: 'gateway: {routes: [{host: a.example, service: ecs, upstream: "http://u:hunter2@up"}]}' },
      'gateway.routes[0].upstream',
      'Config.InvalidValue',
    );
    assert.ok(!upstream.message.includes('hunter2'));
  });

  test('a gateway listener needs routes', async () => {
    await expectProblem(
      { yaml: 'listeners: [{listen: "127.0.0.1:0", role: gateway}]' },
      'gateway.routes',
      'Config.Missing',
    );
  });
});

describe('unknown keys are refused at every level', () => {
  test('each one named', async () => {
    const found = await problems({
      yaml: `
lisen: 127.0.0.1:1
listeners:
  - listen: 127.0.0.1:1
    proxy: v2
trustedProxies: []
exemptServices: [{service: oss, prefixes: [/x]}]
policyLimits: {maxStatement: 3}
forwardAuth: {verify: true}
gateway:
  timeout: 5
  routes: [{host: a.example, service: ecs, upstream: "http://u", path: /x}]
sync: {interval: 1}
audit: {dir: /tmp}
`,
    });
    assert.deepEqual(summary(found).sort(), [
      'audit.dir Config.UnknownKey',
      'exemptServices[0].prefixes Config.UnknownKey',
      'forwardAuth.verify Config.UnknownKey',
      'gateway.routes[0].path Config.UnknownKey',
      'gateway.timeout Config.UnknownKey',
      'lisen Config.UnknownKey',
      'listeners[0].proxy Config.UnknownKey',
      'policyLimits.maxStatement Config.UnknownKey',
      'sync.interval Config.UnknownKey',
    ]);
  });
});

describe('all problems at once', () => {
  test('one file, one flag, one variable: every problem, each with its path', async () => {
    const found = await problems({
      yaml: `
data: ""
listeners:
  - listen: 127.0.0.1
  - listen: 127.0.0.1:2
    role: proxy
trustedProxies: [10.0.0.0/8, nonsense]
vpcEndpoints: {vpce-1: nope}
sync: {heartbeatMs: 0}
`,
      flags: { exemptService: ['bad service'] },
      env: { KEYFENCE_DATABASE_URL: 'sqlite:///x' },
    });
    assert.deepEqual(summary(found), [
      'data Config.InvalidValue',
      'KEYFENCE_DATABASE_URL Config.InvalidValue',
      'listeners[0].listen Config.InvalidValue',
      'listeners[1].role Config.InvalidValue',
      'trustedProxies[1] Config.InvalidValue',
      'vpcEndpoints.vpce-1 Config.InvalidValue',
      '--exempt-service Config.InvalidValue',
      'sync.heartbeatMs Config.InvalidValue',
    ]);
  });
});

describe('the file itself', () => {
  test('a key twice in one YAML mapping', async () => {
    const found = await problems({ yaml: 'data: /a\nsync:\n  heartbeatMs: 1\n  heartbeatMs: 2\n' });
    assert.deepEqual(summary(found), ['--config Config.DuplicateKey']);
    assert.match(found[0]!.message, /line 4, column 3/);
  });

  test('a key twice in one JSON object, by its path', async () => {
    const found = await problems({ json: '{"sync": {"heartbeatMs": 1, "heartbeatMs": 2}, "data": "/a"}' });
    assert.deepEqual(summary(found), ['sync.heartbeatMs Config.DuplicateKey']);
  });

  test('syntax errors', async () => {
    assert.deepEqual(summary(await problems({ yaml: 'listeners: [\n' })), ['--config Config.Syntax']);
    assert.deepEqual(summary(await problems({ json: '{"data": }' })), ['--config Config.Syntax']);
    assert.deepEqual(summary(await problems({ yaml: 'a: 1\n---\nb: 2\n' })), ['--config Config.Syntax']);
  });

  test('missing, unreadable, or neither YAML nor JSON by its name', async () => {
    const missing = await loadConfig({ config: join(dir, 'nope.yaml') }, {}, 'h');
    assert.deepEqual(missing.ok ? [] : summary(missing.error), ['--config Config.Unreadable']);
    const toml = await file('data = "/x"', 'toml');
    const wrongKind = await loadConfig({}, { KEYFENCE_CONFIG: toml }, 'h');
    assert.deepEqual(wrongKind.ok ? [] : summary(wrongKind.error), ['KEYFENCE_CONFIG Config.Unreadable']);
    await mkdir(join(dir, 'directory.json'));
    const directory = await loadConfig({ config: join(dir, 'directory.json') }, {}, 'h');
    assert.deepEqual(directory.ok ? [] : directory.error, [
      {
        code: 'Config.Unreadable',
        path: '--config',
        message: `cannot read ${join(dir, 'directory.json')} (EISDIR)`,
      },
    ]);
  });

  test('an unreadable file still lets the flags be checked', async () => {
    const loaded = await loadConfig({ config: join(dir, 'nope.json'), listen: 'x' }, {}, 'h');
    assert.deepEqual(loaded.ok ? [] : summary(loaded.error), [
      '--config Config.Unreadable',
      '--listen Config.InvalidValue',
    ]);
  });

  test('--config wins over KEYFENCE_CONFIG', async () => {
    const chosen = await file('nodeId: from-flag');
    const config = await valid({
      flags: { config: chosen },
      env: { KEYFENCE_CONFIG: join(dir, 'nope.yaml') },
    });
    assert.equal(config.nodeId, 'from-flag');
  });
});

describe('precedence: flag > environment > file', () => {
  const yaml = `
data: /from/file
databaseUrl: postgres://file/db
nodeId: file-node
listen: 127.0.0.1:1001
trustedProxies: [10.0.0.0/8]
exemptServices: [ims]
`;
  const env = {
    KEYFENCE_DATA: '/from/env',
    KEYFENCE_DATABASE_URL: 'postgres://env/db',
    KEYFENCE_NODE_ID: 'env-node',
    KEYFENCE_LISTEN: '127.0.0.1:1002',
    KEYFENCE_TRUSTED_PROXIES: '192.0.2.0/24, 198.51.100.0/24',
  };
  const flags: ConfigFlags = {
    data: '/from/flag',
    databaseUrl: 'postgres://flag/db',
    nodeId: 'flag-node',
    listen: '127.0.0.1:1003',
    trustedProxy: ['203.0.113.0/24'],
    exemptService: ['sts'],
  };
  const seen = (config: KeyFenceConfig) => ({
    data: config.dataDir,
    database: config.database.dialect === 'postgres' ? config.database.connectionString : '',
    nodeId: config.nodeId,
    port: config.listeners[0]!.address.port,
    proxies: ['10.1.1.1', '192.0.2.1', '203.0.113.1'].filter((ip) => config.trustedProxies.contains(ip)),
    exempt: config.exemptServices.map((e) => e.service),
  });

  test('the file alone', async () => {
    assert.deepEqual(seen(await valid({ yaml })), {
      data: '/from/file',
      database: 'postgres://file/db',
      nodeId: 'file-node',
      port: 1001,
      proxies: ['10.1.1.1'],
      exempt: ['ims'],
    });
  });

  test('the environment over the file', async () => {
    assert.deepEqual(seen(await valid({ yaml, env })), {
      data: '/from/env',
      database: 'postgres://env/db',
      nodeId: 'env-node',
      port: 1002,
      proxies: ['192.0.2.1'],
      exempt: ['ims'],
    });
  });

  test('the flags over both', async () => {
    assert.deepEqual(seen(await valid({ yaml, env, flags })), {
      data: '/from/flag',
      database: 'postgres://flag/db',
      nodeId: 'flag-node',
      port: 1003,
      proxies: ['203.0.113.1'],
      exempt: ['sts'],
    });
  });

  test('an empty variable is no setting', async () => {
    const blank = Object.fromEntries(Object.keys(env).map((name) => [name, '']));
    assert.deepEqual(seen(await valid({ yaml, env: blank })), seen(await valid({ yaml })));
  });

  test('a bad entry of KEYFENCE_TRUSTED_PROXIES names the variable', async () => {
    const empties = await problems({ env: { KEYFENCE_TRUSTED_PROXIES: '10.0.0.0/8,,' } });
    assert.deepEqual(summary(empties), [
      'KEYFENCE_TRUSTED_PROXIES Config.InvalidValue',
      'KEYFENCE_TRUSTED_PROXIES Config.InvalidValue',
    ]);
    await expectProblem(
      { env: { KEYFENCE_TRUSTED_PROXIES: '10.0.0.0/8, 1.2.3' } },
      'KEYFENCE_TRUSTED_PROXIES',
      'Config.InvalidValue',
    );
  });
});

describe('listen and listeners together', () => {
  const listeners = `
listeners:
  - listen: 127.0.0.1:2001
    role: gateway
  - listen: 127.0.0.1:2002
  - listen: 127.0.0.1:2003
gateway: {routes: [{host: a.example, service: ecs, upstream: "http://u"}]}
`;

  test('both in the file are ambiguous', async () => {
    await expectProblem({ yaml: `listen: 127.0.0.1:1\n${listeners}` }, 'listen', 'Config.Conflict');
  });

  test('--listen (or KEYFENCE_LISTEN) moves the first api listener', async () => {
    for (const input of [
      { flags: { listen: '127.0.0.1:3000' } },
      { env: { KEYFENCE_LISTEN: '127.0.0.1:3000' } },
    ]) {
      const config = await valid({ yaml: listeners, ...input });
      assert.deepEqual(
        config.listeners.map((l) => `${l.role} ${l.address.port}`),
        ['gateway 2001', 'api 3000', 'api 2003'],
      );
    }
  });

  test('with only gateway listeners, --listen adds an api listener in front', async () => {
    const config = await valid({
      yaml: 'listeners: [{listen: "127.0.0.1:2001", role: gateway}]\ngateway: {routes: [{version: 2014-05-26, service: ecs, upstream: "http://u"}]}',
      flags: { listen: '127.0.0.1:3000' },
    });
    assert.deepEqual(
      config.listeners.map((l) => `${l.role} ${l.address.port}`),
      ['api 3000', 'gateway 2001'],
    );
  });

  test('--listen onto another listener’s address names both', async () => {
    const problem = await expectProblem(
      { yaml: listeners, flags: { listen: '127.0.0.1:2003' } },
      'listeners[2].listen',
      'Config.InvalidValue',
    );
    assert.equal(problem.message, 'the same address as --listen');
  });

  test('port 0 may repeat: each picks its own', async () => {
    const config = await valid({
      yaml: 'listeners: [{listen: "127.0.0.1:0"}, {listen: "127.0.0.1:0", proxyProtocol: v1, proxyProtocolFrom: [10.0.0.9/32]}]',
    });
    assert.equal(config.listeners.length, 2);
  });
});

describe('flags (the former parseServeFlags cases)', () => {
  test('every flag is read', async () => {
    const config = await valid({
      flags: {
        databaseUrl: 'postgres://u:p@db.example:5432/keyfence',
        listen: '[::1]:9000',
        trustedProxy: ['10.0.0.0/8', 'fd00::/8'],
        exemptService: ['STS', 'actiontrail'],
      },
    });
    assert.equal(config.database.dialect, 'postgres');
    assert.deepEqual(config.listeners[0]!.address, { host: '::1', port: 9000 });
    assert.equal(config.trustedProxies.size, 2);
    assert.deepEqual(
      config.exemptServices.map((e) => e.service),
      ['sts', 'actiontrail'],
    );
  });

  test('every problem is reported, each naming its flag', async () => {
    const found = await problems({
      flags: {
        data: '',
        databaseUrl: 'mysql://x',
        listen: '::1:8080',
        trustedProxy: ['10.0.0.1/8x', '300.0.0.0/8'],
        exemptService: ['i m s'],
      },
    });
    assert.deepEqual(summary(found), [
      '--data Config.InvalidValue',
      '--database-url Config.InvalidValue',
      '--listen Config.InvalidValue',
      '--trusted-proxy Config.InvalidValue',
      '--trusted-proxy Config.InvalidValue',
      '--exempt-service Config.InvalidValue',
    ]);
    assert.match(found[2]!.message, /brackets/);
  });

  for (const listen of [
    '127.0.0.1',
    '127.0.0.1:',
    ':8080',
    '127.1:80',
    '010.0.0.1:80',
    '[::1]',
    '[127.0.0.1]:80',
    'host name:80',
    '1.2.3.4:65536',
    '[fe80::1%eth0]:80',
  ]) {
    test(`--listen ${JSON.stringify(listen)} is refused`, async () => {
      await expectProblem({ flags: { listen } }, '--listen', 'Config.InvalidValue');
    });
  }

  for (const [listen, host, port] of [
    ['0.0.0.0:80', '0.0.0.0', 80],
    ['localhost:0', 'localhost', 0],
    ['[::]:8443', '::', 8443],
    ['[2001:db8::1]:65535', '2001:db8::1', 65535],
  ] as const) {
    test(`--listen ${listen}`, async () => {
      const config = await valid({ flags: { listen } });
      assert.deepEqual(config.listeners[0]!.address, { host, port });
    });
  }
});

describe('tls', () => {
  test('a listener’s tls: both files, as absolute paths', async () => {
    const config = await valid({
      yaml: 'listeners: [{listen: "127.0.0.1:8443", tls: {cert: certs/api.pem, key: /etc/keyfence/api.key}}]',
    });
    assert.deepEqual(config.listeners[0]!.tls, {
      cert: resolve('certs/api.pem'),
      key: '/etc/keyfence/api.key',
    });
  });

  test('--tls-cert and --tls-key (or their variables) give the --listen listener its pair', async () => {
    const flags = await valid({ flags: { tlsCert: 'a.pem', tlsKey: 'a.key' } });
    assert.deepEqual(flags.listeners[0]!.tls, { cert: resolve('a.pem'), key: resolve('a.key') });
    const env = await valid({ env: { KEYFENCE_TLS_CERT: '/c.pem', KEYFENCE_TLS_KEY: '/k.pem' } });
    assert.deepEqual(env.listeners[0]!.tls, { cert: '/c.pem', key: '/k.pem' });
    const listeners = await valid({
      yaml: 'listeners: [{listen: "127.0.0.1:2001", role: gateway}, {listen: "127.0.0.1:2002"}]\ngateway: {routes: [{version: 2014-05-26, service: ecs, upstream: "http://u"}]}',
      flags: { tlsCert: '/c.pem', tlsKey: '/k.pem' },
    });
    assert.deepEqual(
      listeners.listeners.map((l) => l.tls?.cert),
      [undefined, '/c.pem'],
    );
  });

  test('one flag without the other, or a tls without its key', async () => {
    const onlyCert = await expectProblem({ flags: { tlsCert: 'a.pem' } }, '--tls-key', 'Config.Missing');
    assert.equal(onlyCert.message, '--tls-cert needs --tls-key too (both or neither)');
    await expectProblem({ env: { KEYFENCE_TLS_KEY: 'k.pem' } }, '--tls-cert', 'Config.Missing');
    await expectProblem(
      { yaml: 'listeners: [{listen: "127.0.0.1:1", tls: {cert: a.pem}}]' },
      'listeners[0].tls.key',
      'Config.Missing',
    );
    await expectProblem(
      { yaml: 'listeners: [{listen: "127.0.0.1:1", tls: {cert: a.pem, key: a.key, ca: c.pem}}]' },
      'listeners[0].tls.ca',
      'Config.UnknownKey',
    );
  });
});

describe('https upstreams', () => {
  test('an https:// upstream, and upstreamCa as an absolute path', async () => {
    const config = await valid({
      yaml: 'gateway: {upstreamCa: certs/ca.pem, routes: [{version: 2014-05-26, service: ecs, upstream: "https://ecs.internal"}]}',
    });
    assert.equal(config.gateway.upstreamCa, resolve('certs/ca.pem'));
    assert.equal(config.gateway.routes[0]!.upstream.href, 'https://ecs.internal/');
    assert.equal((await valid({})).gateway.upstreamCa, undefined);
  });

  test('upstreamCa must be a path', async () => {
    await expectProblem({ yaml: 'gateway: {upstreamCa: 7}' }, 'gateway.upstreamCa', 'Config.InvalidValue');
  });
});
