import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { authErrorCatalogue } from '../../../src/auth/auth-error.js';
import {
  ApiError,
  forwardAuthErrors,
  gatewayErrors,
  invalidParameter,
  missingParameter,
  serverErrors,
} from '../../../src/server/errors/api-error.js';
import {
  catalogueEntries,
  serverErrorCatalogue,
  storeErrorAnswer,
} from '../../../src/server/errors/error-catalogue.js';
import { storeErrorMessages } from '../../../src/store/index.js';

function buildAll(
  factories: Record<string, (...values: never[]) => ApiError>,
  ...values: unknown[]
): ApiError[] {
  return Object.values(factories).map((make) => (make as (...given: unknown[]) => ApiError)(...values));
}

describe('the error catalogue', () => {
  test('lists every code once', () => {
    const seen = new Set<string>();
    for (const { code } of catalogueEntries()) {
      assert.ok(!seen.has(code), `${code} is catalogued twice`);
      seen.add(code);
    }
  });

  test('answers every store error code', () => {
    assert.deepEqual(Object.keys(storeErrorAnswer).sort(), Object.keys(storeErrorMessages).sort());
  });

  test('a code the server shares with authentication has one status', () => {
    for (const code of Object.keys(authErrorCatalogue)) {
      const own = (serverErrorCatalogue as Record<string, { httpStatus: number }>)[code];
      if (own !== undefined) {
        assert.equal(
          own.httpStatus,
          authErrorCatalogue[code as keyof typeof authErrorCatalogue].httpStatus,
          code,
        );
      }
    }
  });

  test('every error the factories build is a catalogued code with its status', () => {
    const status = new Map(catalogueEntries().map(({ code, httpStatus }) => [code, httpStatus]));
    // Each factory is called with values of its kind; the ones without parameters ignore them.
    const built = [
      ...buildAll(serverErrors, 1, 2),
      ...buildAll(forwardAuthErrors, 'The part', 'is wrong'),
      ...buildAll(gatewayErrors),
    ];
    for (const error of built) assert.equal(status.get(error.code), error.httpStatus, error.code);
    assert.equal(missingParameter('Version').httpStatus, status.get('MissingParameter.<Name>'));
    assert.equal(invalidParameter('Marker', 'it must be.').httpStatus, status.get('InvalidParameter.<Name>'));
  });

  test('an ApiError cannot be built outside its module', () => {
    const Unchecked = ApiError as unknown as new (...args: unknown[]) => ApiError;
    assert.throws(() => new Unchecked(Symbol('ApiError'), 'X.Y', 418, 'short and stout'), TypeError);
  });
});
