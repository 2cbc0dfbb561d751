import type { ServerResponse } from 'node:http';

export const JSON_CONTENT_TYPE = 'application/json;charset=utf-8';

/**
 * Writes one JSON response. Every answer of the API is JSON, errors included: the SDKs parse any
 * 4xx/5xx body as JSON and throw a bare SyntaxError on anything else.
 */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  requestId: string | undefined,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': JSON_CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    ...(requestId === undefined ? {} : { 'x-acs-request-id': requestId }),
  });
  res.end(text);
}
