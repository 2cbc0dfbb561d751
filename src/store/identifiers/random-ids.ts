import { randomInt } from 'node:crypto';
import type {
  AccessKeyId,
  AccountId,
  RoleId,
  TemporaryAccessKeyId,
  UserId,
} from '../../common/identifiers.js';
import { takeRandomBytes } from '../../common/random-pool.js';

const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
// The largest multiple of 62 that fits in a byte: bytes at or above it are discarded so that
// every character is equally likely (a plain `byte % 62` would favour the first eight).
const unbiasedLimit = 248;

/** `length` characters from [0-9A-Za-z], uniformly random, from the OS CSPRNG. */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of takeRandomBytes(length - out.length + 4)) {
      if (byte < unbiasedLimit) out += base62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

function randomDigits(length: number): string {
  let out = String(randomInt(1, 10));
  while (out.length < length) out += String(randomInt(0, 10));
  return out;
}

export const newAccountId = (): AccountId => randomDigits(16) as AccountId;
export const newUserId = (): UserId => randomDigits(16) as UserId;
export const newRoleId = (): RoleId => randomDigits(19) as RoleId;

/** Alibaba's current AccessKey IDs are `LTAI5t` + 18 characters; we keep that shape. */
export const newAccessKeyId = (): AccessKeyId => `LTAI5t${randomBase62(18)}` as AccessKeyId;
export const newAccessKeySecret = (): string => randomBase62(30);

export const newTemporaryAccessKeyId = (): TemporaryAccessKeyId =>
  `STS.${randomBase62(25)}` as TemporaryAccessKeyId;
export const newTemporarySecret = (): string => randomBase62(40);
