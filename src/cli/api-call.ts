import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { signAcs3Request } from '../auth/acs3-signature.js';
import { formatAlibabaTime } from '../common/alibaba-time.js';
import { sha256Hex } from '../common/sha256-hex.js';

/** The credentials a CLI call is signed with, from the standard Alibaba environment variables. */
export interface ApiCredentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string | undefined;
}

const CREDENTIAL_VARIABLES = {
  accessKeyId: 'ALIBABA_CLOUD_ACCESS_KEY_ID',
  accessKeySecret: 'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
  securityToken: 'ALIBABA_CLOUD_SECURITY_TOKEN',
} as const;

/** The credentials of `env`, or a sentence saying which variable is missing. */
export function credentialsFrom(env: NodeJS.ProcessEnv): ApiCredentials | string {
  const accessKeyId = env[CREDENTIAL_VARIABLES.accessKeyId];
  const accessKeySecret = env[CREDENTIAL_VARIABLES.accessKeySecret];
  if (!accessKeyId || !accessKeySecret) {
    return `set ${CREDENTIAL_VARIABLES.accessKeyId} and ${CREDENTIAL_VARIABLES.accessKeySecret} (and ${CREDENTIAL_VARIABLES.securityToken} for STS credentials)`;
  }
  const securityToken = env[CREDENTIAL_VARIABLES.securityToken] || undefined;
  return { accessKeyId, accessKeySecret, securityToken };
}

/** An `--endpoint`: an http:// or https:// URL of a KeyFence API listener, or a sentence why not. */
export function endpointUrl(text: string): URL | string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `--endpoint: ${JSON.stringify(text)} is not a URL such as https://keyfence.example.com`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `--endpoint: ${JSON.stringify(text)} must start with http:// or https://`;
  }
  return url;
}

export interface ApiCall {
  readonly endpoint: URL;
  readonly credentials: ApiCredentials;
  readonly action: string;
  readonly version: string;
  readonly params: Readonly<Record<string, string>>;
}

export interface ApiReply {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/**
 * One call of the RPC API, signed as the official SDKs sign it (ACS3-HMAC-SHA256), its parameters
 * in a form body; the JSON answer, success or error. Rejects when there is no JSON answer.
 */
export function callApi(call: ApiCall): Promise<ApiReply> {
  const body = Buffer.from(new URLSearchParams(call.params).toString());
  const { credentials, endpoint } = call;
  const headers: Record<string, string> = {
    host: endpoint.host,
    'content-type': 'application/x-www-form-urlencoded',
    'x-acs-action': call.action,
    'x-acs-version': call.version,
    'x-acs-date': formatAlibabaTime(new Date()),
    'x-acs-signature-nonce': randomBytes(16).toString('hex'),
    'x-acs-content-sha256': sha256Hex(body),
    ...(credentials.securityToken === undefined ? {} : { 'x-acs-security-token': credentials.securityToken }),
  };
  // URLSearchParams writes a space as `+`, which form decoding reads back as a space: the
  // signature covers the body's hash, not its parameters, so either spelling verifies.
  const { authorization } = signAcs3Request({
    method: 'POST',
    path: '/',
    query: [],
    headers,
    body,
    accessKeyId: credentials.accessKeyId,
    secret: credentials.accessKeySecret,
  });
  const send = endpoint.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      endpoint,
      {
        method: 'POST',
        path: '/',
        headers: { ...headers, authorization, accept: 'application/json', 'content-length': body.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> });
          } catch {
            reject(new Error(`the answer (HTTP ${res.statusCode}) is not JSON: ${text.slice(0, 200)}`));
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
