import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DEFAULT_SCRYPT_PARAMETERS,
  dummyVerify,
  hashPassword,
  PasswordError,
  verifyPassword,
} from '../../src/auth/password-hash.js';

// Cheap parameters: the default takes a few hundred milliseconds and 128 MiB per hash.
const fast = { N: 2 ** 10, r: 8, p: 1 };
const password = 'correct horse battery';

const rejectsWithCode = (promise: Promise<unknown>, code: string) =>
  assert.rejects(promise, (error: unknown) => error instanceof PasswordError && error.code === code);

describe('password hashes', () => {
  test('encode their parameters and salt, and verify only the right password', async () => {
    const encoded = await hashPassword(password, fast);
    assert.match(encoded, /^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.equal(await verifyPassword(password, encoded), true);
    assert.equal(await verifyPassword(`${password}!`, encoded), false);
    assert.equal(await verifyPassword('', encoded), false);
    assert.notEqual(await hashPassword(password, fast), encoded, 'a new salt every time');
  });

  test('verify a hash made with other parameters: they can be raised later', async () => {
    const older = await hashPassword(password, { N: 2 ** 8, r: 4, p: 2 });
    assert.equal(await verifyPassword(password, older), true);
  });

  test('the default parameters are N = 2^17, r = 8, p = 1 and fit the memory limit', async () => {
    assert.deepEqual(DEFAULT_SCRYPT_PARAMETERS, { N: 2 ** 17, r: 8, p: 1 });
    const encoded = await hashPassword(password);
    assert.match(encoded, /^scrypt\$131072\$8\$1\$/);
    assert.equal(await verifyPassword(password, encoded), true);
  });

  test('compose the password the same way however it was typed', async () => {
    const composed = 'caf\u00e9-au-lait-2026';
    const decomposed = 'cafe\u0301-au-lait-2026';
    assert.equal(await verifyPassword(decomposed, await hashPassword(composed, fast)), true);
  });

  test('refuse passwords under 12 characters, counted as characters', async () => {
    await rejectsWithCode(hashPassword('elevenchars', fast), 'ConsolePasswordTooShort');
    await rejectsWithCode(hashPassword('', fast), 'ConsolePasswordTooShort');
    // 11 emoji are 22 UTF-16 units but 11 characters.
    await rejectsWithCode(hashPassword('😀'.repeat(11), fast), 'ConsolePasswordTooShort');
    assert.ok(await hashPassword('twelve chars', fast));
  });

  test('a malformed or out-of-bounds stored hash is a typed error, not a false', async () => {
    const good = await hashPassword(password, fast);
    const [, , r, p, salt, hash] = good.split('$');
    for (const bad of [
      '',
      'plain',
      good.replace('scrypt$', 'bcrypt$'),
      `scrypt$1000$${r}$${p}$${salt}$${hash}`,
      `scrypt$${2 ** 24}$${r}$${p}$${salt}$${hash}`,
      `scrypt$1024$0$${p}$${salt}$${hash}`,
      `scrypt$1024$${r}$${p}$${salt}$`,
      `${good}$extra`,
    ]) {
      await rejectsWithCode(verifyPassword(password, bad), 'PasswordHash.Malformed');
    }
  });

  test('dummyVerify does the same work and is always false', async () => {
    const encoded = await hashPassword(password, fast);
    const time = async (work: () => Promise<unknown>) => {
      const start = performance.now();
      for (let i = 0; i < 5; i++) await work();
      return performance.now() - start;
    };
    assert.equal(await dummyVerify(password, fast), false);
    const real = await time(() => verifyPassword(password, encoded));
    const dummy = await time(() => dummyVerify(password, fast));
    // Loose: the point is the same scrypt work, not a benchmark on a shared machine.
    assert.ok(dummy > real / 4 && dummy < real * 4, `dummy ${dummy} ms vs real ${real} ms`);
  });
});
