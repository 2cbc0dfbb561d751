import assert from 'node:assert/strict';
import type { Result } from '../../src/common/result.js';
import type { AddressError } from '../../src/net/address.js';

/**
 * Asserts that a parser refused `input` with `code`, and that its error carries the input and a
 * message naming it (the first 64 characters of a longer one).
 */
export function assertRefused(result: Result<unknown, AddressError>, input: string, code: string): void {
  assert.equal(result.ok, false, `${JSON.stringify(input)} was accepted: ${JSON.stringify(result)}`);
  if (result.ok) return;
  assert.equal(result.error.code, code, `${JSON.stringify(input)}: ${result.error.message}`);
  assert.equal(result.error.input, input);
  const named = input.length > 64 ? JSON.stringify(input.slice(0, 64)).slice(0, -1) : JSON.stringify(input);
  assert.ok(result.error.message.includes(named), result.error.message);
}
