import type { IncomingMessage } from 'node:http';

export type BodyRead =
  | { readonly kind: 'body'; readonly body: Buffer }
  /** Declared or sent beyond the limit: nothing more is read, and the connection must close. */
  | { readonly kind: 'too-large' }
  /** The client went away (or the socket failed) before the body was complete. */
  | { readonly kind: 'aborted' };

const EMPTY = Buffer.alloc(0);

/** Whether the request says a body follows. */
export function declaresBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Reads a request body of at most `limit` bytes. A `Content-Length` above the limit is refused
 * before a byte is read; a body that grows past it (chunked, or lying about its length) is
 * refused as soon as it does, so an oversized request never costs more than `limit` of memory.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return Promise.resolve({ kind: 'too-large' });
  if (!declaresBody(req)) {
    // Nothing to wait for; resuming lets node:http finish the (empty) message.
    req.resume();
    return Promise.resolve({ kind: 'body', body: EMPTY });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (result: BodyRead) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('close', onAbort);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        settle({ kind: 'too-large' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () =>
      settle({ kind: 'body', body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) });
    const onAbort = () => settle({ kind: 'aborted' });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('close', onAbort);
  });
}
