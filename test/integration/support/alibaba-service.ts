/**
 * A platform's own service behind the gateway: answers every request with an Alibaba-shaped JSON
 * success (a `RequestId`, what the SDKs expect) naming the KeyFence identity headers it received,
 * and keeps the head of each request for the test to inspect.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AlibabaService {
  readonly port: number;
  readonly seen: { readonly method: string; readonly url: string; readonly headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

export async function startAlibabaService(port = 0): Promise<AlibabaService> {
  const seen: AlibabaService['seen'] = [];
  let served = 0;
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    req.resume();
    req.on('end', () => {
      const text = JSON.stringify({
        RequestId: `SERVICE-${++served}`,
        KeyFence: {
          AccountId: req.headers['x-keyfence-account-id'] ?? null,
          Principal: req.headers['x-keyfence-principal'] ?? null,
          AccessKeyId: req.headers['x-keyfence-access-key-id'] ?? null,
          CredentialType: req.headers['x-keyfence-credential-type'] ?? null,
          RequestId: req.headers['x-keyfence-request-id'] ?? null,
        },
      });
      res.writeHead(200, {
        'content-type': 'application/json;charset=utf-8',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
