/**
 * The rules forward-auth and the gateway apply before and around the access gate, on their input
 * spaces: exemptions by path, routes by host and version, the original request as gateways convey
 * it, and the headers an upstream is given.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Exemptions } from '../../../src/server/access/exemptions.js';
import { hostNameOf, ServiceRoutes } from '../../../src/server/access/service-routes.js';
import { readAskedRequest } from '../../../src/server/forward-auth/original-request.js';
import { denyStatusOf } from '../../../src/server/forward-auth/refusal-answer.js';
import { upstreamRequestHeaders } from '../../../src/server/gateway/forwarded-headers.js';

const upstream = new URL('http://127.0.0.1:1');
const segment = fc.stringMatching(/^[a-z0-9_-]{1,8}$/);

describe('exemptions', () => {
  const exemptions = new Exemptions([
    { service: 'status', pathPrefixes: [] },
    { service: 'orders', pathPrefixes: ['/public/', '/v1/catalogue'] },
  ]);

  test('whole services go to the decision index; prefixes cover a path and what lies under it', () => {
    assert.deepEqual(exemptions.wholeServices, ['status']);
    assert.equal(exemptions.coversPath('status', '/x'), false, 'the index answers for whole services');
    for (const path of ['/public', '/public/a', '/v1/catalogue', '/v1/catalogue/items/7']) {
      assert.equal(exemptions.coversPath('orders', path), true, path);
    }
    for (const path of ['/publicity', '/v1/catalogues', '/private', '/', undefined]) {
      assert.equal(exemptions.coversPath('orders', path), false, String(path));
    }
    assert.equal(exemptions.coversPath('billing', '/public'), false);
  });

  test('a path a server could read as another is never covered', () => {
    const tricks = fc.constantFrom('/..', '/.', '/%2e%2e', '/%2E.', '/%2f', '/%5C', '\\', '//');
    fc.assert(
      fc.property(
        fc.array(segment, { maxLength: 3 }),
        tricks,
        fc.array(segment, { maxLength: 3 }),
        (a, trick, b) => {
          const path = `/public/${a.join('/')}${trick}/${b.join('/')}`;
          assert.equal(exemptions.coversPath('orders', path), false, path);
        },
      ),
    );
  });

  test('entries are validated with a message naming what is wrong', () => {
    assert.throws(() => new Exemptions([{ service: 'Orders', pathPrefixes: [] }]), /service code/);
    assert.throws(
      () => new Exemptions([{ service: 'orders', pathPrefixes: ['public'] }]),
      /must start with \//,
    );
    assert.throws(() => new Exemptions([{ service: 'orders', pathPrefixes: ['/a/../b'] }]), /dot segments/);
  });
});

describe('service routes', () => {
  const routes = new ServiceRoutes([
    { host: 'api.example.com', version: '2020-01-01', service: 'api-v2020', upstream },
    { host: 'API.example.com', version: undefined, service: 'api', upstream },
    { host: '*.svc.example.com', version: undefined, service: 'svc', upstream },
    { host: undefined, version: '2014-05-26', service: 'ecs', upstream },
  ]);

  test('first match by host (any case, no port) and version; a wildcard is one label', () => {
    assert.equal(routes.match('api.example.com', '2020-01-01')?.service, 'api-v2020');
    assert.equal(routes.match('api.example.com', '2021-01-01')?.service, 'api');
    assert.equal(routes.match('a.svc.example.com', undefined)?.service, 'svc');
    assert.equal(routes.match('a.b.svc.example.com', undefined), undefined);
    assert.equal(routes.match('svc.example.com', undefined), undefined);
    assert.equal(routes.match('elsewhere.example.com', '2014-05-26')?.service, 'ecs');
    assert.equal(routes.match(undefined, undefined), undefined);
    assert.equal(hostNameOf('API.Example.COM:8443'), 'api.example.com');
    assert.equal(hostNameOf('[2001:DB8::1]:443'), '[2001:db8::1]');
    assert.equal(hostNameOf('example.com.'), 'example.com');
  });

  test('service: route, else known product, else first host label, else none', () => {
    assert.equal(routes.serviceOf('api.example.com', undefined), 'api');
    assert.equal(routes.serviceOf('other.example.com', '2019-08-15'), 'ims');
    assert.equal(routes.serviceOf('oss.cn-hangzhou.example.com', undefined), 'oss');
    assert.equal(routes.serviceOf('127.0.0.1', undefined), null);
    assert.equal(routes.serviceOf(undefined, undefined), null);
  });

  test('hostNameOf and serviceOf take any text', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }),
        fc.option(fc.string({ maxLength: 12 }), { nil: undefined }),
        (host, version) => {
          const name = hostNameOf(host);
          if (name !== undefined) assert.equal(name, name.toLowerCase());
          const service = routes.serviceOf(name, version);
          if (service !== null) assert.match(service, /^[a-z][a-z0-9-]*$/);
        },
      ),
    );
  });

  test('routes are validated with a message naming the route', () => {
    assert.throws(
      () => new ServiceRoutes([{ host: undefined, version: undefined, service: 'x', upstream }]),
      /route 1: set host, version or both/,
    );
    assert.throws(
      () => new ServiceRoutes([{ host: 'a b', version: undefined, service: 'x', upstream }]),
      /route 1: host/,
    );
    assert.throws(
      () => new ServiceRoutes([{ host: 'a', version: undefined, service: 'X!', upstream }]),
      /route 1: service/,
    );
  });
});

describe('the original request of a forward-auth check', () => {
  const headerName = fc.constantFrom(
    'host',
    'x-original-uri',
    'x-original-method',
    'x-forwarded-uri',
    'x-forwarded-method',
    'x-forwarded-host',
    'authorization',
  );
  const headers = fc.dictionary(
    headerName,
    fc.array(fc.string({ maxLength: 20 }), { minLength: 1, maxLength: 2 }),
  );
  const target = fc.oneof(
    fc.constant('/forward-auth'),
    fc.string({ maxLength: 20 }).map((rest) => `/forward-auth${rest}`),
  );

  test('any headers and target: a request starting with / or a refusal, never a throw', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), target, headers, (method, path, given) => {
        const read = readAskedRequest(method, path, given);
        if (!read.ok) {
          assert.match(read.error.code, /^ForwardAuth\./);
          return;
        }
        assert.ok(read.value.path.startsWith('/'));
        assert.ok(!read.value.path.includes('?'));
        assert.ok(/^[\x21-\x7e]*$/.test(read.value.rawQuery));
      }),
    );
  });

  test('under /forward-auth/ only the target counts; under /forward-auth one convention, never two', () => {
    const envoy = readAskedRequest('PUT', '/forward-auth/a/b?c=d', {
      host: ['h.example.com'],
      'x-original-uri': ['/other'],
      'x-original-method': ['GET'],
    });
    assert.ok(envoy.ok);
    assert.deepEqual(envoy.value, {
      convention: 'path-prefix',
      method: 'PUT',
      path: '/a/b',
      rawQuery: 'c=d',
      host: 'h.example.com',
    });
    const caddy = readAskedRequest('GET', '/forward-auth', {
      host: ['keyfence'],
      'x-forwarded-uri': ['/x?y'],
      'x-forwarded-method': ['POST'],
      'x-forwarded-host': ['api.example.com:8443'],
    });
    assert.ok(caddy.ok);
    assert.equal(caddy.value.host, 'api.example.com:8443');
    const both = readAskedRequest('GET', '/forward-auth', {
      'x-forwarded-uri': ['/a'],
      'x-original-uri': ['/b'],
    });
    assert.ok(!both.ok);
    assert.equal(both.error.code, 'ForwardAuth.AmbiguousOriginalRequest');
  });

  test('deny statuses: 401 or 403, once', () => {
    assert.equal(denyStatusOf(undefined), undefined);
    assert.equal(denyStatusOf(['403']), 403);
    assert.equal(denyStatusOf(['401']), 401);
    for (const value of [['500'], ['403', '403'], [''], ['403 ']]) assert.equal(denyStatusOf(value), null);
  });
});

describe('the headers an upstream is given', () => {
  const identity = ['x-keyfence-principal', 'root', 'x-keyfence-account-id', '1234567890123456'];
  const name = fc.oneof(
    fc.constantFrom(
      'Connection',
      'connection',
      'Keep-Alive',
      'TE',
      'Transfer-Encoding',
      'Upgrade',
      'X-KeyFence-Principal',
      'x-keyfence-other',
      'X-Forwarded-For',
      'Forwarded',
      'X-Forwarded-Vpc-Id',
      'X-Real-IP',
      'Content-Type',
      'X-Custom',
    ),
    fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,10}$/),
  );
  const value = fc.oneof(
    fc.stringMatching(/^[ -~]{0,20}$/),
    fc
      .array(fc.constantFrom('close', 'keep-alive', 'x-custom', 'X-Secret', 'upgrade'), { maxLength: 3 })
      .map((v) => v.join(', ')),
  );
  const raw = fc.array(fc.tuple(name, value), { maxLength: 12 }).map((pairs) => pairs.flat());

  test('no hop-by-hop or Connection-listed field, no client identity, one X-Forwarded-For ending with the peer', () => {
    fc.assert(
      fc.property(raw, fc.boolean(), (rawHeaders, peerTrusted) => {
        const out = upstreamRequestHeaders(rawHeaders, {
          peer: '192.0.2.1',
          peerTrusted,
          vpcId: undefined,
          identity,
        });
        const listed = new Set<string>();
        for (let i = 0; i < rawHeaders.length; i += 2) {
          if (rawHeaders[i]!.toLowerCase() === 'connection') {
            for (const n of rawHeaders[i + 1]!.split(',')) listed.add(n.trim().toLowerCase());
          }
        }
        const names = out.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
        for (const n of names) {
          assert.ok(!['connection', 'keep-alive', 'te', 'transfer-encoding', 'upgrade'].includes(n), n);
          assert.ok(!listed.has(n) || n === 'x-forwarded-for' || n.startsWith('x-keyfence-'), n);
          assert.notEqual(n, 'x-forwarded-vpc-id');
          if (!peerTrusted) assert.ok(!['forwarded', 'x-real-ip'].includes(n), n);
        }
        assert.deepEqual(
          names.filter((n) => n.startsWith('x-keyfence-')),
          ['x-keyfence-principal', 'x-keyfence-account-id'],
        );
        const xff = out.filter((_, i) => i % 2 === 1 && names[(i - 1) / 2] === 'x-forwarded-for');
        assert.equal(xff.length, 1);
        assert.ok(xff[0]!.endsWith('192.0.2.1'));
        if (!peerTrusted) assert.equal(xff[0], '192.0.2.1');
      }),
    );
  });
});
