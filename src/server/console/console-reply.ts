import type { ServerResponse } from 'node:http';
import type { ApiError } from '../errors/api-error.js';
import { sendJson } from '../http/send-json.js';

/** A console API error: `{Code, Message, RequestId}` and the error's own fields. */
export function consoleErrorBody(
  requestId: string,
  error: Pick<ApiError, 'code' | 'message' | 'detail'>,
): Record<string, unknown> {
  return { Code: error.code, Message: error.message, RequestId: requestId, ...error.detail };
}

/** Every console API answer: JSON, never cached (it carries the session's CSRF token). */
export function sendConsoleJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  requestId: string,
  headers: Readonly<Record<string, string | string[]>> = {},
): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  sendJson(res, status, body, requestId, { 'cache-control': 'no-store' });
}
