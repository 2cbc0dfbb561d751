/**
 * A console API POST over raw HTTP, with the headers the console's own page would send (its
 * Origin, JSON): for what the browser cannot show, such as a spent setup token or a sign-in
 * "from" another address through the trusted proxy header.
 */

import { type Reply, send } from '../../support/server-harness.js';

export function consolePost(
  port: number,
  path: string,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): Promise<Reply> {
  return send(port, {
    method: 'POST',
    path,
    headers: {
      origin: `http://127.0.0.1:${port}`,
      host: `127.0.0.1:${port}`,
      'content-type': 'application/json',
      ...headers,
    },
    body: JSON.stringify(body),
  });
}
