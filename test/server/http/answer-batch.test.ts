/**
 * AnswerBatch over a real node:http server: answers added in one turn are written together, each
 * to its own client, and a client gone before the write disturbs none of the others.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { AnswerBatch } from '../../../src/server/http/answer-batch.js';

interface Held {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
}

/** A server that holds requests until `count` have arrived, then answers them all in one turn. */
async function holdingServer(
  count: number,
  answer: (held: readonly Held[], batch: AnswerBatch) => void,
  errors: unknown[] = [],
) {
  const held: Held[] = [];
  const batch = new AnswerBatch((error) => errors.push(error));
  const server = createServer((req, res) => {
    held.push({ req, res });
    if (held.length === count) answer(held, batch);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function get(port: number, id: string): Promise<{ status: number; id: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: `/${id}`, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, id: res.headers['x-id'] as string, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('AnswerBatch', () => {
  test('answers added in one turn each reach their own client', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `r${i}`);
    let writtenBeforeTurnEnded = false;
    const { server, port } = await holdingServer(ids.length, (held, batch) => {
      for (const { req, res } of held) {
        const id = req.url!.slice(1);
        batch.add(res, { status: id.endsWith('7') ? 403 : 200, headers: ['x-id', id], body: `for ${id}` });
      }
      // Nothing is written until the turn ends.
      writtenBeforeTurnEnded = held.some(({ res }) => res.headersSent);
    });
    try {
      const replies = await Promise.all(ids.map((id) => get(port, id)));
      assert.equal(writtenBeforeTurnEnded, false);
      for (const [i, reply] of replies.entries()) {
        const id = ids[i]!;
        assert.equal(reply.id, id);
        assert.equal(reply.body, `for ${id}`);
        assert.equal(reply.status, id.endsWith('7') ? 403 : 200);
      }
    } finally {
      server.close();
    }
  });

  test('a client gone before the write does not disturb the others', async () => {
    const { server, port } = await holdingServer(3, (held, batch) => {
      for (const { req, res } of held) {
        if (req.url === '/gone') res.destroy();
        batch.add(res, { status: 200, headers: ['x-id', req.url!.slice(1)], body: 'ok' });
      }
    });
    try {
      const [a, gone, b] = await Promise.allSettled([get(port, 'a'), get(port, 'gone'), get(port, 'b')]);
      assert.equal(gone.status, 'rejected');
      assert.deepEqual(a, { status: 'fulfilled', value: { status: 200, id: 'a', body: 'ok' } });
      assert.deepEqual(b, { status: 'fulfilled', value: { status: 200, id: 'b', body: 'ok' } });
    } finally {
      server.close();
    }
  });

  test('an answer node refuses to write cuts its own connection only, and is reported', async () => {
    const errors: unknown[] = [];
    const { server, port } = await holdingServer(
      3,
      (held, batch) => {
        for (const { req, res } of held) {
          const id = req.url!.slice(1);
          // A header value with a line break: writeHead throws.
          batch.add(res, { status: 200, headers: ['x-id', id === 'bad' ? 'a\nb' : id], body: 'ok' });
        }
      },
      errors,
    );
    try {
      const [a, bad, b] = await Promise.allSettled([get(port, 'a'), get(port, 'bad'), get(port, 'b')]);
      assert.equal(bad.status, 'rejected');
      assert.deepEqual(a, { status: 'fulfilled', value: { status: 200, id: 'a', body: 'ok' } });
      assert.deepEqual(b, { status: 'fulfilled', value: { status: 200, id: 'b', body: 'ok' } });
      assert.equal(errors.length, 1);
      assert.equal((errors[0] as NodeJS.ErrnoException).code, 'ERR_INVALID_CHAR');
    } finally {
      server.close();
    }
  });
});
