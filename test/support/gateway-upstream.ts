/**
 * A real upstream node:http server for the gateway tests: it records the head of every request it
 * receives and answers with a handler the test may swap.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { after } from 'node:test';

/** What the upstream saw of one request. */
export interface Seen {
  readonly method: string;
  readonly url: string;
  readonly rawHeaders: readonly string[];
  readonly headers: IncomingMessage['headers'];
}

export type UpstreamHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** A real upstream on 127.0.0.1: records each request's head, answers with the current handler. */
export interface Upstream {
  readonly port: number;
  readonly url: URL;
  readonly seen: Seen[];
  handler: UpstreamHandler;
}

/** The upstream's default: drains the body and answers Alibaba-shaped JSON with what it was told. */
export const echoIdentity: UpstreamHandler = (req, res) => {
  let bytes = 0;
  req.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  req.on('end', () => {
    const text = JSON.stringify({
      RequestId: req.headers['x-keyfence-request-id'] ?? 'none',
      Principal: req.headers['x-keyfence-principal'] ?? null,
      Bytes: bytes,
    });
    res.writeHead(200, {
      'content-type': 'application/json;charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  });
};

export async function startUpstream(): Promise<Upstream> {
  const seen: Seen[] = [];
  const upstream: { handler: UpstreamHandler } = { handler: echoIdentity };
  const server = await listen((req, res) => {
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      rawHeaders: req.rawHeaders,
      headers: req.headers,
    });
    upstream.handler(req, res);
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const port = (server.address() as AddressInfo).port;
  return Object.assign(upstream, { port, url: new URL(`http://127.0.0.1:${port}`), seen });
}

function listen(listener: RequestListener): Promise<Server> {
  const server = createHttpServer(listener);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
