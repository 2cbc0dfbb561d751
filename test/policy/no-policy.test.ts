import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isClearedPolicy, isNeverSet } from '../../src/policy/no-policy.js';

describe('isNeverSet', () => {
  it('recognises "{}", also re-formatted', () => {
    for (const text of ['{}', ' {}', '{ }', '{\n}\n', '\t{\r\n}']) assert.equal(isNeverSet(text), true, text);
  });

  it('does not mistake any real policy or other text for it', () => {
    const texts = [
      '',
      '[]',
      '{"}": "{"}',
      '{"Version":1,"Status":"Inactive","Statements":[]}',
      '{}{}',
      '{\u00a0}',
    ];
    for (const text of texts) assert.equal(isNeverSet(text), false, text);
  });
});

describe('isClearedPolicy', () => {
  it('is true only for an Inactive policy without statements', () => {
    assert.equal(isClearedPolicy({ Version: 1, Status: 'Inactive', Statements: [] }), true);
    assert.equal(isClearedPolicy({ Version: 1, Status: 'Active', Statements: [] }), false);
    const withStatement = { Type: 'ClassicWhiteList', IPList: ['0.0.0.0/0'] } as const;
    assert.equal(isClearedPolicy({ Version: 1, Status: 'Inactive', Statements: [withStatement] }), false);
  });
});
