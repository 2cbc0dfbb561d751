import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { constantTimeEqual } from '../../src/common/constant-time-equal.js';
import { isAccessKeyId, isTemporaryAccessKeyId } from '../../src/common/identifiers.js';
import { KeyFenceError } from '../../src/common/keyfence-error.js';
import {
  newAccessKeyId,
  newAccessKeySecret,
  newAccountId,
  newTemporaryAccessKeyId,
  randomBase62,
} from '../../src/store/identifiers/random-ids.js';
import {
  createMasterKeyFile,
  loadMasterKey,
  MASTER_KEY_ENV,
  MasterKey,
  masterKeySource,
  readMasterKeyFile,
  StoreError,
} from '../../src/store/index.js';
import { SecretBox } from '../../src/store/secrets/secret-box.js';
import { SecurityTokenStamp } from '../../src/store/secrets/security-token-stamp.js';
import { SigningSecret } from '../../src/store/secrets/signing-secret.js';

const dir = await mkdtemp(join(tmpdir(), 'keyfence-secrets-'));
after(() => rm(dir, { recursive: true, force: true }));

const code = (expected: string) => (error: unknown) => error instanceof StoreError && error.code === expected;

describe('master key', () => {
  test('is 32 bytes of strict base64 and never prints itself', () => {
    const key = MasterKey.generate();
    assert.equal(Buffer.from(key.encode(), 'base64').length, 32);
    assert.equal(MasterKey.parse(` ${key.encode()}\n`).encode(), key.encode());
    for (const bad of [
      '',
      'abc',
      Buffer.alloc(31).toString('base64'),
      Buffer.alloc(33).toString('base64'),
      `${key.encode()}x`,
    ]) {
      assert.throws(() => MasterKey.parse(bad), code('MasterKey.Invalid'), bad);
    }
    for (const shown of [JSON.stringify({ key }), inspect(key), String(key)])
      assert.ok(!shown.includes(key.encode()));
  });

  test('a key file is created 0600, once, and read back', async () => {
    const path = join(dir, 'master.key');
    const key = MasterKey.generate();
    await createMasterKeyFile(path, key);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal((await readMasterKeyFile(path)).encode(), key.encode());
    await assert.rejects(createMasterKeyFile(path, MasterKey.generate()), /EEXIST/);
    assert.equal((await readFile(path, 'utf8')).trim(), key.encode());
  });

  test('a key file readable by others, or missing, is refused', async () => {
    const path = join(dir, 'open.key');
    await writeFile(path, MasterKey.generate().encode());
    await chmod(path, 0o644);
    await assert.rejects(readMasterKeyFile(path), code('MasterKey.InsecurePermissions'));
    await assert.rejects(readMasterKeyFile(join(dir, 'absent.key')), code('MasterKey.Missing'));
  });

  test('the environment variable wins over the file', async () => {
    const key = MasterKey.generate();
    const env = { [MASTER_KEY_ENV]: key.encode() };
    const source = masterKeySource(env, join(dir, 'absent.key'));
    assert.deepEqual(source, { kind: 'env', name: MASTER_KEY_ENV });
    assert.equal((await loadMasterKey(source, env)).encode(), key.encode());
    assert.deepEqual(masterKeySource({}, '/x'), { kind: 'file', path: '/x' });
    await assert.rejects(loadMasterKey(source, { [MASTER_KEY_ENV]: 'nope' }), code('MasterKey.Invalid'));
  });
});

describe('secret box (AES-256-GCM)', () => {
  const box = new SecretBox(MasterKey.generate());

  test('round-trips any secret, with a fresh IV each time', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (secret, id) => {
        assert.equal(box.open(box.seal(secret, id), id), secret);
      }),
    );
    assert.notEqual(box.seal('same', 'id'), box.seal('same', 'id'));
  });

  test('refuses a tampered secret, another row, or another master key, without echoing anything', () => {
    const sealed = box.seal('s3cret-value', 'LTAI-one');
    const bytes = Buffer.from(sealed.slice(3), 'base64');
    bytes[bytes.length - 20]! ^= 1;
    const tampered = `v1.${bytes.toString('base64')}`;
    for (const [value, id, opener] of [
      [tampered, 'LTAI-one', box],
      [sealed, 'LTAI-two', box],
      [sealed, 'LTAI-one', new SecretBox(MasterKey.generate())],
      ['v1.AAAA', 'LTAI-one', box],
      ['v2.whatever', 'LTAI-one', box],
    ] as const) {
      assert.throws(
        () => opener.open(value, id),
        (error: unknown) =>
          code('Store.SecretUndecryptable')(error) &&
          !(error as Error).message.includes('s3cret') &&
          error instanceof KeyFenceError,
      );
    }
  });

  test('the fingerprint identifies the key without revealing it', () => {
    const key = MasterKey.generate();
    assert.equal(new SecretBox(key).fingerprint, new SecretBox(MasterKey.parse(key.encode())).fingerprint);
    assert.notEqual(new SecretBox(key).fingerprint, box.fingerprint);
    assert.ok(!new SecretBox(key).fingerprint.includes(key.encode()));
  });
});

describe('signing secret and constant-time comparison', () => {
  test('a signing secret is redacted everywhere but reveal()', () => {
    const secret = new SigningSecret('plain-text-secret');
    assert.equal(secret.reveal(), 'plain-text-secret');
    for (const shown of [JSON.stringify({ secret }), inspect({ secret }), `${secret}`]) {
      assert.ok(!shown.includes('plain-text-secret'), shown);
    }
    assert.ok(secret.matches('plain-text-secret'));
    assert.ok(!secret.matches('plain-text-secreT'));
    assert.ok(!secret.matches(''));
  });

  test('constantTimeEqual agrees with === for strings and bytes of any length', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        assert.equal(constantTimeEqual(a, b), a === b);
        assert.equal(constantTimeEqual(a, a), true);
        assert.equal(constantTimeEqual(Buffer.from(a), Buffer.from(b)), a === b);
      }),
    );
  });
});

describe('SecurityTokenStamp', () => {
  const masterKey = MasterKey.generate();
  const stamp = new SecurityTokenStamp(masterKey);
  const id = 'STS.NUgYrLnoC37mZZCNnAbez2EZT';
  const expiry = new Date('2026-05-06T08:08:09.123Z');

  test('a token carries its expiry, readable with the same master key only', () => {
    const token = stamp.issue(id, expiry);
    assert.match(token, /^CAIS[0-9A-Za-z_-]{122}$/);
    assert.notEqual(stamp.issue(id, expiry), token, 'random');
    assert.deepEqual(stamp.expiryOf(id, token), expiry);
    assert.deepEqual(new SecurityTokenStamp(MasterKey.parse(masterKey.encode())).expiryOf(id, token), expiry);
    assert.equal(new SecurityTokenStamp(MasterKey.generate()).expiryOf(id, token), undefined);
  });

  test('the expiry is authenticated and bound to its AccessKeyId', () => {
    const token = stamp.issue(id, expiry);
    assert.equal(stamp.expiryOf('STS.AnotherKeyAnotherKey00000', token), undefined);
    // Another expiry written into the token breaks its tag.
    const expiryAt = 4 + 64;
    const forged = `${token.slice(0, expiryAt)}000000000000001${token.slice(expiryAt + 15)}`;
    assert.equal(stamp.expiryOf(id, forged), undefined);
    for (const other of ['', 'CAIS', token.slice(0, -1), `${token}A`, `X${token.slice(1)}`]) {
      assert.equal(stamp.expiryOf(id, other), undefined, JSON.stringify(other));
    }
  });
});

describe('identifiers', () => {
  test('have the shapes Alibaba uses', () => {
    for (let i = 0; i < 200; i++) {
      assert.match(newAccountId(), /^[1-9][0-9]{15}$/);
      const id = newAccessKeyId();
      assert.ok(isAccessKeyId(id) && id.length === 24 && id.startsWith('LTAI5t'), id);
      assert.match(newAccessKeySecret(), /^[0-9A-Za-z]{30}$/);
      assert.ok(isTemporaryAccessKeyId(newTemporaryAccessKeyId()));
    }
  });

  test('random characters are uniform over the 62 letters and digits', () => {
    const counts = new Map<string, number>();
    for (const char of randomBase62(62_000)) counts.set(char, (counts.get(char) ?? 0) + 1);
    assert.equal(counts.size, 62);
    // Each expected 1000 times; a modulo bias would push the first eight towards 1250.
    for (const [char, count] of counts) assert.ok(count > 850 && count < 1150, `${char}: ${count}`);
  });
});
