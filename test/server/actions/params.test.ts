import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatAlibabaTime } from '../../../src/common/alibaba-time.js';
import {
  optionalEnum,
  optionalInteger,
  optionalText,
  requiredEnum,
  requiredText,
} from '../../../src/server/actions/support/params.js';
import { ApiError } from '../../../src/server/errors/api-error.js';

const refused = (read: () => unknown, code: string) =>
  assert.throws(read, (error: unknown) => {
    assert.ok(error instanceof ApiError);
    assert.equal(error.code, code);
    assert.equal(error.httpStatus, 400);
    return true;
  });

describe('parameter readers', () => {
  test('text: present, missing, empty, bounded, shaped', () => {
    const rule = { maxLength: 5, pattern: /^[a-z]+$/, shape: 'lower-case letters' };
    assert.equal(requiredText({ Name: 'abc' }, 'Name', rule), 'abc');
    refused(() => requiredText({}, 'Name', rule), 'MissingParameter.Name');
    refused(() => requiredText({ Name: '' }, 'Name', rule), 'MissingParameter.Name');
    assert.equal(optionalText({ Name: '' }, 'Name', rule), undefined);
    refused(() => optionalText({ Name: 'abcdef' }, 'Name', rule), 'InvalidParameter.Name');
    refused(() => optionalText({ Name: 'ABC' }, 'Name', rule), 'InvalidParameter.Name');
    refused(() => optionalText({ Name: 'a' }, 'Name', { ...rule, minLength: 2 }), 'InvalidParameter.Name');
    assert.throws(() => optionalText({ Name: 'ABC' }, 'Name', rule), /lower-case letters/);
  });

  test('free text refuses control characters only', () => {
    const text = 'Ünïcode ok — 中文';
    assert.equal(optionalText({ Text: text }, 'Text', { maxLength: 64 }), text);
    for (const bad of ['a\nb', 'a\u0000', 'a\u007f']) {
      refused(() => optionalText({ Text: bad }, 'Text', { maxLength: 64 }), 'InvalidParameter.Text');
    }
  });

  test('enums are case-sensitive', () => {
    const values = ['Active', 'Inactive'] as const;
    assert.equal(requiredEnum({ Status: 'Active' }, 'Status', values), 'Active');
    assert.equal(optionalEnum({}, 'Status', values), undefined);
    refused(() => requiredEnum({}, 'Status', values), 'MissingParameter.Status');
    refused(() => optionalEnum({ Status: 'active' }, 'Status', values), 'InvalidParameter.Status');
  });

  test('integers are plain decimal within their range', () => {
    const range = { min: 900, max: 3600 };
    assert.equal(optionalInteger({ N: '900' }, 'N', range), 900);
    assert.equal(optionalInteger({ N: '3600' }, 'N', range), 3600);
    assert.equal(optionalInteger({}, 'N', range), undefined);
    for (const bad of ['899', '3601', '-1000', '+1000', '1e3', '0x400', '1000.0', '01000', ' 1000', '']) {
      if (bad === '') assert.equal(optionalInteger({ N: bad }, 'N', range), undefined);
      else refused(() => optionalInteger({ N: bad }, 'N', range), 'InvalidParameter.N');
    }
    refused(() => optionalInteger({ N: '9'.repeat(30) }, 'N', range), 'InvalidParameter.N');
  });

  test('dates are written as Alibaba writes them: UTC, to the second', () => {
    assert.equal(formatAlibabaTime(new Date('2020-10-15T08:08:54.999Z')), '2020-10-15T08:08:54Z');
    assert.equal(formatAlibabaTime(new Date(Date.UTC(2021, 0, 2, 3, 4, 5))), '2021-01-02T03:04:05Z');
  });
});
