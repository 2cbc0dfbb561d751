import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_POLICY_LIMITS, parsePolicyLimits } from '../../src/policy/policy-limits.js';

describe('policy limits', () => {
  it('defaults to Alibaba: 8 statements, 1 ClassicWhiteList, 50 entries; 64 KiB documents', () => {
    assert.deepEqual(DEFAULT_POLICY_LIMITS, {
      maxStatements: 8,
      maxClassicStatements: 1,
      maxEntriesPerStatement: 50,
      maxDocumentBytes: 65_536,
    });
    assert.ok(Object.isFrozen(DEFAULT_POLICY_LIMITS), 'the defaults cannot be changed by accident');
  });

  it('keeps the defaults for fields left out and takes the ones given', () => {
    const result = parsePolicyLimits({ maxEntriesPerStatement: 200 });
    assert.deepEqual(result, { ok: true, value: { ...DEFAULT_POLICY_LIMITS, maxEntriesPerStatement: 200 } });
    assert.deepEqual(parsePolicyLimits({}), { ok: true, value: DEFAULT_POLICY_LIMITS });
  });

  it('refuses anything but positive integers, naming every bad field', () => {
    const result = parsePolicyLimits({
      maxStatements: 0,
      maxClassicStatements: -1,
      maxEntriesPerStatement: 2.5,
      maxDocumentBytes: '65536',
    });
    assert.equal(result.ok, false);
    assert.deepEqual(!result.ok && result.error.map((p) => [p.code, p.field]), [
      ['PolicyLimits.NotPositiveInteger', 'maxStatements'],
      ['PolicyLimits.NotPositiveInteger', 'maxClassicStatements'],
      ['PolicyLimits.NotPositiveInteger', 'maxEntriesPerStatement'],
      ['PolicyLimits.NotPositiveInteger', 'maxDocumentBytes'],
    ]);
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, null, true]) {
      assert.equal(parsePolicyLimits({ maxStatements: value }).ok, false, String(value));
    }
  });

  it('refuses a misspelt limit instead of silently keeping the default', () => {
    const result = parsePolicyLimits({ maxStatement: 16 });
    assert.deepEqual(!result.ok && result.error.map((p) => [p.code, p.field]), [
      ['PolicyLimits.UnknownField', 'maxStatement'],
    ]);
  });

  it('refuses a value that is not an object', () => {
    for (const value of [null, 8, 'maxStatements=8', [8]]) {
      const result = parsePolicyLimits(value);
      assert.deepEqual(!result.ok && result.error.map((p) => p.code), ['PolicyLimits.NotObject']);
    }
  });
});
