import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { hostIdOf } from '../http/host-id.js';
import { declaresBody } from '../http/read-body.js';
import { newRequestId } from '../http/request-id.js';
import { JSON_CONTENT_TYPE, sendJson } from '../http/send-json.js';
import type { ApiError } from './api-error.js';
import { serverErrors } from './api-error.js';
import { errorBody } from './error-body.js';

/** How long a connection refused with an error answer is left to the client before it is cut. */
const CLIENT_ERROR_LINGER_MS = 1000;

/** Errors outside the audited entry points (unknown path, health endpoint misuse): answered, not audited. */
export function sendApiError(
  req: IncomingMessage,
  res: ServerResponse,
  answer: { readonly requestId: string; readonly hostId: string },
  error: ApiError,
  allow?: string,
): void {
  // A body sent here is never read; draining it for keep-alive would read whatever the client sends.
  if (declaresBody(req)) res.setHeader('connection', 'close');
  const body = errorBody(answer.requestId, answer.hostId, error, null);
  sendJson(res, error.httpStatus, body, answer.requestId, allow === undefined ? {} : { allow });
}

/**
 * A request node:http could not parse: still answered in JSON, since the SDKs parse every error
 * body, on the socket itself, which is then closed.
 */
export function answerClientError(
  error: NodeJS.ErrnoException,
  socket: Socket,
  hostId: string | undefined,
): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const apiError =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? serverErrors.headersTooLarge()
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? serverErrors.requestTimeout()
        : serverErrors.malformedRequest();
  const requestId = newRequestId();
  const text = JSON.stringify(errorBody(requestId, hostIdOf(undefined, hostId), apiError, null));
  const status = apiError.httpStatus;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: ${JSON_CONTENT_TYPE}\r\n` +
      `content-length: ${Buffer.byteLength(text)}\r\nx-acs-request-id: ${requestId}\r\nconnection: close\r\n\r\n${text}`,
  );
  // end() closes only once the client has read the answer and closed its side: one that never
  // does must not hold the connection.
  const linger = setTimeout(() => socket.destroy(), CLIENT_ERROR_LINGER_MS);
  socket.once('close', () => clearTimeout(linger));
}
