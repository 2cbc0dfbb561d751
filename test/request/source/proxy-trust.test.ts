/**
 * The two trusts behind a load balancer kept apart: who may send a PROXY header
 * (`proxyProtocolFrom`, required) and whose X-Forwarded-For is believed (`trustedProxies`),
 * judged against the client the PROXY header names, never against the balancer.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KeyFenceError } from '../../../src/common/keyfence-error.js';
import { v1 } from '../../support/proxy-protocol.js';
import {
  cidrs,
  expectSuccess,
  type RawRequest,
  sendVia,
  signedRequest,
  startTestServer,
  testListener,
} from '../../support/server-harness.js';

/** One request over a connection that starts with a PROXY v1 line naming `client`. */
const sendAs = (port: number, client: string, raw: RawRequest) =>
  sendVia(port, v1(`PROXY TCP4 ${client} 127.0.0.1 40000 443\r\n`), raw);

describe('a PROXY-protocol listener', () => {
  test('with nobody allowed to send the header it does not start, naming the listener', async () => {
    // As found with HAProxy: trustedProxies covering both the balancer and its clients used to
    // stand in for proxyProtocolFrom, and a client at 127.0.0.3 behind the balancer sending
    // X-Forwarded-For: 127.0.0.2 was allowed as 127.0.0.2.
    const started = startTestServer({ trustedProxies: cidrs('127.0.0.0/8') }, [
      testListener(),
      testListener({ proxyProtocol: 'v1' }),
    ]).then(
      async (t) => {
        const raw = signedRequest(t.ports[1]!, { action: 'GetTestValue', credentials: t.root });
        const spoof = { ...raw, headers: { ...raw.headers, 'x-forwarded-for': '127.0.0.2' } };
        return `started; the client was seen as ${expectSuccess(await sendAs(t.ports[1]!, '127.0.0.3', spoof)).SourceIp}`;
      },
      (error: unknown) => error,
    );
    const outcome = await started;
    assert.ok(outcome instanceof KeyFenceError, String(outcome));
    assert.equal(outcome.code, 'Server.ProxyProtocolUntrusted');
    assert.match(outcome.message, /listener 127\.0\.0\.1:0 takes the PROXY protocol from nobody/);
  });

  describe('X-Forwarded-For behind the balancer', async () => {
    // The balancer (127.0.0.1) may send PROXY headers and is also a trusted proxy; the clients
    // it forwards (127.0.0.3) are not.
    const t = await startTestServer({ trustedProxies: cidrs('127.0.0.1/32') }, [
      testListener({ proxyProtocol: 'v1', proxyProtocolFrom: cidrs('127.0.0.1/32') }),
    ]);
    const call = (client: string, forwardedFor: string) => {
      const raw = signedRequest(t.port, { action: 'GetTestValue', credentials: t.root });
      return sendAs(t.port, client, { ...raw, headers: { ...raw.headers, 'x-forwarded-for': forwardedFor } });
    };
    test('is judged against the client the header names: a client cannot name another address', async () => {
      assert.equal(expectSuccess(await call('127.0.0.3', '127.0.0.2')).SourceIp, '127.0.0.3');
    });

    test('is believed when the client the header names is a trusted proxy itself', async () => {
      assert.equal(expectSuccess(await call('127.0.0.1', '198.51.100.7')).SourceIp, '198.51.100.7');
    });
  });
});
