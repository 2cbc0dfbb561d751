/**
 * The caller of the ACS3 and RPC verification tests: the one key they sign with, the time they
 * sign at, and verification with that key as the only one known.
 */
import type { ReplayGuard } from '../../src/auth/replay-guard.js';
import type { SignedRequest } from '../../src/auth/signed-request.js';
import { permanentKey, verifyWith } from './support.js';

export const caller = permanentKey('LTAI5tExampleCaller', 'ExampleSecret123');
export const time = new Date('2026-03-01T12:00:00Z');

/** Verifies as of `now` (by default the time the tests sign at) with `caller` as the only key. */
export const verify = (request: SignedRequest, now = time, guard?: ReplayGuard) =>
  verifyWith(request, { credentials: [caller], now, ...(guard === undefined ? {} : { guard }) });
