import { JSON_CONTENT_TYPE } from '../http/send-json.js';

/** Sent by a gateway that passes on only some statuses (nginx auth_request: 401 and 403). */
export const DENY_STATUS_HEADER = 'x-keyfence-deny-status';
/** The status KeyFence would have answered with, when a deny status replaced it. */
export const ERROR_STATUS_HEADER = 'x-keyfence-error-status';
/** The JSON body KeyFence would have answered with, when a deny status replaced it. */
export const ERROR_BODY_HEADER = 'x-keyfence-error';

// nginx keeps an upstream's response head in proxy_buffer_size (4 KiB by default on most
// platforms): the error header must fit with the rest of the head.
const MAX_ERROR_HEADER = 3072;

/** A refusal as forward-auth answers it: status, headers (flat name/value list), JSON body. */
export interface RefusalAnswer {
  readonly status: number;
  readonly headers: string[];
  readonly body: string;
}

/**
 * Answers a refusal. By default with its own status and Alibaba JSON body, which Envoy's
 * ext_authz and Caddy's forward_auth hand to the client as they are. With a deny status (nginx,
 * whose auth_request turns anything but 2xx, 401 and 403 into a 500 and drops the body), the
 * status is that one, and the real status and body travel in headers for the gateway's error
 * page to answer with (docs/forward-auth.md shows the nginx side).
 */
export function refusalAnswer(
  status: number,
  body: Record<string, unknown>,
  requestId: string,
  denyStatus: 401 | 403 | undefined,
): RefusalAnswer {
  const text = JSON.stringify(body);
  const headers = [
    'content-type',
    JSON_CONTENT_TYPE,
    'content-length',
    String(Buffer.byteLength(text)),
    'x-acs-request-id',
    requestId,
  ];
  if (denyStatus === undefined) return { status, headers, body: text };
  headers.push(ERROR_STATUS_HEADER, String(status), ERROR_BODY_HEADER, headerJson(body, text));
  return { status: denyStatus, headers, body: text };
}

/**
 * `text` (the JSON of `body`) as a header value: non-ASCII escaped (JSON already escapes control
 * characters), and within MAX_ERROR_HEADER by shortening the `Message`, the one field that can
 * be long (SignatureDoesNotMatch echoes the string to sign).
 */
function headerJson(body: Record<string, unknown>, text: string): string {
  let json = asciiJson(text);
  if (json.length <= MAX_ERROR_HEADER) return json;
  const message = typeof body.Message === 'string' ? body.Message : '';
  const excess = json.length - MAX_ERROR_HEADER;
  json = asciiJson(
    JSON.stringify({ ...body, Message: `${message.slice(0, Math.max(0, message.length - excess - 16))}…` }),
  );
  return json.length <= MAX_ERROR_HEADER ? json : asciiJson(JSON.stringify({ ...body, Message: '' }));
}

const asciiJson = (text: string) =>
  text.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** The deny status a gateway asked for, undefined for none, null for a value that is neither 401 nor 403. */
export function denyStatusOf(value: string | readonly string[] | undefined): 401 | 403 | undefined | null {
  if (value === undefined) return undefined;
  const status = typeof value === 'string' ? value : value.length === 1 ? value[0] : undefined;
  return status === '403' ? 403 : status === '401' ? 401 : null;
}
