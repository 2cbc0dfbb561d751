/**
 * Watches every /console/api answer a page receives, so a flow can assert that no AccessKey
 * secret reaches the browser except in the CreateAccessKey answer that made it (the one-time
 * dialog).
 */

import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';

interface SeenAnswer {
  readonly url: string;
  readonly body: string;
}

export interface SecretWatch {
  /** Fails if any of these secrets (keys made before the page opened) appears in any answer. */
  assertNeverSent(secrets: readonly string[]): Promise<void>;
  /** Fails unless this new key's secret came in exactly one answer, CreateAccessKey's. */
  assertSentOnceByCreate(secret: string): Promise<void>;
}

const CREATE_ACCESS_KEY = /\/console\/api\/actions\/Ims\/CreateAccessKey$/;

export function watchSecrets(page: Page): SecretWatch {
  const reading: Promise<SeenAnswer | undefined>[] = [];
  page.on('response', (response) => {
    const url = response.url();
    if (!url.includes('/console/api/')) return;
    // A body the browser dropped (the page navigated away) never reached the page either.
    reading.push(
      response.text().then(
        (body) => ({ url, body }),
        () => undefined,
      ),
    );
  });
  const carrying = async (secret: string) => {
    const seen = (await Promise.all(reading)).filter((answer) => answer !== undefined);
    assert.ok(seen.length > 0, 'no console answer was seen');
    return seen.filter((answer) => answer.body.includes(secret)).map((answer) => answer.url);
  };
  return {
    async assertNeverSent(secrets) {
      for (const secret of secrets) {
        assert.deepEqual(await carrying(secret), [], 'an existing AccessKey secret reached the browser');
      }
    },
    async assertSentOnceByCreate(secret) {
      const urls = await carrying(secret);
      assert.equal(urls.length, 1, `the new secret came in ${urls.length} answers: ${urls.join(', ')}`);
      assert.match(urls[0]!, CREATE_ACCESS_KEY);
    },
  };
}
