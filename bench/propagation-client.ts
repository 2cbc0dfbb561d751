/**
 * A minimal signed RPC client for the propagation benchmark: ACS3-HMAC-SHA256 as openapi-core
 * signs it (src/auth's signer), every parameter in the query, one keep-alive connection per
 * client so that a probe loop costs one round trip per probe and no connection setup.
 */
import { Agent, request } from 'node:http';
import { stringify } from 'node:querystring';
import { type Credentials, signedHeaders } from './signed-headers.js';

export interface Answer {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field
  readonly body: any;
  /** `performance.now()` when the whole response had arrived. */
  readonly at: number;
}

export class SignedClient {
  readonly #url: URL;
  readonly #credentials: Credentials;
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 1 });

  constructor(url: string, credentials: Credentials) {
    this.#url = new URL(url);
    this.#credentials = credentials;
  }

  call(action: string, version: string, params: Readonly<Record<string, string>> = {}): Promise<Answer> {
    const query = Object.entries(params);
    const headers = signedHeaders(
      { host: this.#url.host, method: 'POST', action, version, query, credentials: this.#credentials },
      { accept: 'application/json' },
    );
    const rawQuery = query.map(([name, value]) => stringify({ [name]: value })).join('&');
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.#url.hostname,
          port: this.#url.port,
          method: 'POST',
          path: rawQuery === '' ? '/' : `/?${rawQuery}`,
          headers,
          agent: this.#agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const at = performance.now();
            try {
              resolve({
                status: res.statusCode ?? 0,
                body: JSON.parse(Buffer.concat(chunks).toString()),
                at,
              });
            } catch (error) {
              reject(error);
            }
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
