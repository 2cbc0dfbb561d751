import { scrypt } from 'node:crypto';
import { constantTimeEqual } from '../common/constant-time-equal.js';
import { KeyFenceError } from '../common/keyfence-error.js';
import { takeRandomBytes } from '../common/random-pool.js';
import { Semaphore } from '../common/semaphore.js';

/**
 * Console passwords (docs/auth.md, "Console passwords"): scrypt from node:crypto, a 16-byte
 * random salt, and the parameters stored with the hash as `scrypt$N$r$p$salt$hash` (salt and
 * hash base64url), so that raising them later leaves older hashes verifiable.
 */

export interface ScryptParameters {
  /** CPU and memory cost, a power of two. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** About 128 MiB and a few hundred milliseconds per hash. */
export const DEFAULT_SCRYPT_PARAMETERS: ScryptParameters = { N: 2 ** 17, r: 8, p: 1 };

export const MIN_PASSWORD_LENGTH = 12;

const SALT_BYTES = 16;
const HASH_BYTES = 32;
// Stored parameters are bounded before use: a tampered row must not make one sign-in take
// gigabytes or minutes.
const MAX_MEMORY = 2 ** 30;
const MAX_P = 16;

/**
 * At most four hashes at once, whatever asks for them: each holds `128 × N × r` bytes (128 MiB
 * at the default) for its whole run, so a flood of sign-ins queues instead of exhausting memory.
 */
const hashing = new Semaphore(4);

export type PasswordErrorCode = 'ConsolePasswordTooShort' | 'PasswordHash.Malformed';

const passwordErrorMessages: Readonly<Record<PasswordErrorCode, string>> = {
  ConsolePasswordTooShort: `The password must be at least ${MIN_PASSWORD_LENGTH} characters long.`,
  'PasswordHash.Malformed': 'A stored password hash is not of the form scrypt$N$r$p$salt$hash.',
};

export class PasswordError extends KeyFenceError {
  declare readonly code: PasswordErrorCode;

  constructor(code: PasswordErrorCode) {
    super(code, passwordErrorMessages[code]);
  }
}

/** Length in characters (code points), not UTF-16 units; no composition rules. */
export function checkPasswordLength(password: string): void {
  let length = 0;
  for (const _ of password) if (++length >= MIN_PASSWORD_LENGTH) return;
  throw new PasswordError('ConsolePasswordTooShort');
}

/** Fails with `ConsolePasswordTooShort` for a password under 12 characters. */
export async function hashPassword(
  password: string,
  parameters: ScryptParameters = DEFAULT_SCRYPT_PARAMETERS,
): Promise<string> {
  checkPasswordLength(password);
  const salt = takeRandomBytes(SALT_BYTES);
  const hash = await derive(password, salt, parameters);
  const { N, r, p } = parameters;
  return ['scrypt', N, r, p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** Whether `password` is the one `encoded` was made from; fails with `PasswordHash.Malformed`. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const { parameters, salt, hash } = parseHash(encoded);
  return constantTimeEqual(await derive(password, salt, parameters), hash);
}

const dummySalt = takeRandomBytes(SALT_BYTES);
const dummyHash = takeRandomBytes(HASH_BYTES);

/**
 * For a principal that does not exist (or has no password): the same work as `verifyPassword`
 * against a hash made with `parameters`, and always false, so that timing does not tell
 * unknown principals from wrong passwords.
 */
export async function dummyVerify(
  password: string,
  parameters: ScryptParameters = DEFAULT_SCRYPT_PARAMETERS,
): Promise<false> {
  constantTimeEqual(await derive(password, dummySalt, parameters), dummyHash);
  return false;
}

function derive(password: string, salt: Buffer, { N, r, p }: ScryptParameters): Promise<Buffer> {
  // scrypt needs 128 × N × r bytes, more than node's 32 MiB default allows at N = 2^17. NFC: the
  // same password typed on another system may arrive composed differently.
  const maxmem = 128 * N * r + 128 * r * p + 1024 * 1024;
  return hashing.run(
    () =>
      new Promise<Buffer>((resolve, reject) =>
        scrypt(password.normalize('NFC'), salt, HASH_BYTES, { N, r, p, maxmem }, (error, key) =>
          error === null ? resolve(key) : reject(error),
        ),
      ),
  );
}

function parseHash(encoded: string): { parameters: ScryptParameters; salt: Buffer; hash: Buffer } {
  const parts = encoded.split('$');
  const [scheme, n, r, p, salt, hash] = parts;
  const number = (text: string | undefined, max: number) =>
    text !== undefined && /^[1-9][0-9]{0,9}$/.test(text) && Number(text) <= max ? Number(text) : undefined;
  const parameters = { N: number(n, MAX_MEMORY), r: number(r, MAX_MEMORY), p: number(p, MAX_P) };
  const base64url = /^[A-Za-z0-9_-]+$/;
  if (
    parts.length !== 6 ||
    scheme !== 'scrypt' ||
    parameters.N === undefined ||
    parameters.N < 2 ||
    (parameters.N & (parameters.N - 1)) !== 0 ||
    parameters.r === undefined ||
    128 * parameters.N * parameters.r > MAX_MEMORY ||
    parameters.p === undefined ||
    !base64url.test(salt ?? '') ||
    !base64url.test(hash ?? '')
  ) {
    throw new PasswordError('PasswordHash.Malformed');
  }
  return {
    parameters: { N: parameters.N, r: parameters.r, p: parameters.p },
    salt: Buffer.from(salt!, 'base64url'),
    hash: Buffer.from(hash!, 'base64url'),
  };
}
