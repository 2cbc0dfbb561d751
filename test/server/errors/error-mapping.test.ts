import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AuthError } from '../../../src/auth/auth-error.js';
import { noPermission } from '../../../src/server/errors/api-error.js';
import { errorBody } from '../../../src/server/errors/error-body.js';
import { toApiError } from '../../../src/server/errors/to-api-error.js';
import { hostIdOf } from '../../../src/server/http/host-id.js';
import { StoreError, type StoreErrorCode, storeErrorMessages } from '../../../src/store/index.js';

describe('toApiError', () => {
  const statusByFamily: Record<string, number> = {
    EntityNotExist: 404,
    EntityAlreadyExists: 409,
    LimitExceeded: 409,
    DeleteConflict: 409,
    Conflict: 409,
    InvalidParameter: 400,
  };

  for (const code of Object.keys(storeErrorMessages) as StoreErrorCode[]) {
    const family = code.slice(0, code.indexOf('.'));
    const status = statusByFamily[family];
    test(`${code} → ${status ?? (code === 'Store.Database' ? '503 ServiceUnavailable' : '500 InternalError')}`, () => {
      const { error, internal } = toApiError(new StoreError(code, 'subject'));
      if (status !== undefined) {
        assert.equal(internal, false);
        assert.equal(error.code, code);
        assert.equal(error.httpStatus, status);
        assert.equal(error.message, storeErrorMessages[code]);
      } else {
        assert.equal(internal, true);
        assert.equal(error.code, code === 'Store.Database' ? 'ServiceUnavailable' : 'InternalError');
        assert.ok(!error.message.includes('subject'));
      }
    });
  }

  test('an AuthError keeps its code, status and message', () => {
    const { error, internal } = toApiError(AuthError.of('InvalidAccessKeyId.NotFound'));
    assert.deepEqual(
      [error.code, error.httpStatus, error.message, internal],
      ['InvalidAccessKeyId.NotFound', 404, 'Specified access key is not found.', false],
    );
  });

  test('an ApiError passes through; anything else is an internal error', () => {
    const api = noPermission();
    assert.equal(toApiError(api).error, api);
    for (const thrown of [new Error('boom'), 'a string', null, { code: 'EntityNotExist.User' }]) {
      const { error, internal } = toApiError(thrown);
      assert.equal(error.code, 'InternalError');
      assert.equal(error.httpStatus, 500);
      assert.equal(internal, true);
    }
  });
});

describe('errorBody', () => {
  test('Alibaba’s fields in Alibaba’s order, then the detail', () => {
    const body = errorBody(
      'ID',
      'ims.example.com',
      { code: 'A.B', message: 'msg', detail: { Detail: { x: 1 } } },
      'Ims',
    );
    assert.deepEqual(Object.keys(body), ['RequestId', 'HostId', 'Code', 'Message', 'Recommend', 'Detail']);
    assert.equal(body.Recommend, 'https://api.aliyun.com/troubleshoot?q=A.B&product=Ims&requestId=ID');
  });

  test('Recommend names no product for KeyFence’s own, nor when the product is unknown', () => {
    const error = { code: 'A.B', message: 'msg', detail: undefined };
    for (const product of ['Keyfence', null] as const) {
      assert.equal(
        errorBody('ID', 'h', error, product).Recommend,
        'https://api.aliyun.com/troubleshoot?q=A.B&requestId=ID',
      );
    }
  });
});

describe('hostIdOf', () => {
  for (const [host, expected] of [
    ['ims.aliyuncs.com', 'ims.aliyuncs.com'],
    ['127.0.0.1:8080', '127.0.0.1'],
    ['[::1]:8080', '::1'],
    ['[2001:db8::1]', '2001:db8::1'],
    [undefined, 'keyfence'],
    ['<script>', 'keyfence'],
    ['a"b', 'keyfence'],
    ['', 'keyfence'],
  ] as const) {
    test(`Host ${JSON.stringify(host)} → ${expected}`, () => {
      assert.equal(hostIdOf(host, undefined), expected);
    });
  }

  test('a configured HostId wins', () => {
    assert.equal(hostIdOf('127.0.0.1:8080', 'ims.example.com'), 'ims.example.com');
  });
});
