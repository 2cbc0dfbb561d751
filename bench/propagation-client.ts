/**
 * A minimal signed RPC client for the propagation benchmark: ACS3-HMAC-SHA256 as openapi-core
 * signs it (src/auth's signer), every parameter in the query, one keep-alive connection per
 * client so that a probe loop costs one round trip per probe and no connection setup.
 */
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { stringify } from 'node:querystring';
import { signAcs3Request } from '../src/auth/acs3-signature.js';
import { formatAlibabaTime } from '../src/common/alibaba-time.js';
import { sha256Hex } from '../src/common/sha256-hex.js';

export interface Credentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
}

export interface Answer {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field
  readonly body: any;
  /** `performance.now()` when the whole response had arrived. */
  readonly at: number;
}

const EMPTY = Buffer.alloc(0);
const EMPTY_SHA256 = sha256Hex(EMPTY);

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
    const headers: Record<string, string> = {
      host: this.#url.host,
      'x-acs-action': action,
      'x-acs-version': version,
      'x-acs-date': formatAlibabaTime(new Date()),
      'x-acs-signature-nonce': randomBytes(16).toString('hex'),
      'x-acs-content-sha256': EMPTY_SHA256,
      accept: 'application/json',
    };
    headers.authorization = signAcs3Request({
      method: 'POST',
      path: '/',
      query,
      headers,
      body: EMPTY,
      accessKeyId: this.#credentials.accessKeyId,
      secret: this.#credentials.accessKeySecret,
    }).authorization;
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
