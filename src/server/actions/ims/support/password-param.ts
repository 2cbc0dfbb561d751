import { hashPassword, MIN_PASSWORD_LENGTH, PasswordError } from '../../../../auth/password-hash.js';
import { invalidParameter, missingParameter } from '../../../errors/api-error.js';
import type { Params } from '../../support/params.js';

// Long enough for any passphrase; bounds the work a request can ask of the hash.
const MAX_PASSWORD_LENGTH = 128;

/** The password parameter `name` as typed; undefined when absent or empty. */
export function optionalPassword(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (value.length > MAX_PASSWORD_LENGTH) {
    throw invalidParameter(name, `it must be at most ${MAX_PASSWORD_LENGTH} characters long.`);
  }
  return value;
}

export function requiredPassword(params: Params, name: string): string {
  const value = optionalPassword(params, name);
  if (value === undefined) throw missingParameter(name);
  return value;
}

/**
 * The stored form of a new password given as parameter `name`. Hashed before any transaction
 * begins: a hash takes a few hundred milliseconds, which the write lock must not wait for.
 */
export async function newPasswordHash(password: string, name: string): Promise<string> {
  try {
    return await hashPassword(password);
  } catch (error) {
    if (error instanceof PasswordError && error.code === 'ConsolePasswordTooShort') {
      throw invalidParameter(name, `it must be at least ${MIN_PASSWORD_LENGTH} characters long.`);
    }
    throw error;
  }
}
