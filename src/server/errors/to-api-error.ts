import { AuthError } from '../../auth/auth-error.js';
import { PolicyVersionConflictError, StoreError, type StoreErrorCode } from '../../store/index.js';
import { ApiError } from './api-error.js';
import { serverErrors } from './server-errors.js';

export interface MappedError {
  readonly error: ApiError;
  /** True when the client is not told what went wrong: the server must log the original. */
  readonly internal: boolean;
}

/**
 * The status of a store refusal, by the family its code belongs to (docs/store.md): Alibaba's
 * RAM answers these families with these statuses.
 */
function storeStatus(code: StoreErrorCode): number | undefined {
  const family = code.slice(0, code.indexOf('.'));
  switch (family) {
    case 'EntityNotExist':
      return 404;
    case 'EntityAlreadyExists':
    case 'LimitExceeded':
    case 'DeleteConflict':
    case 'Conflict':
      return 409;
    case 'InvalidParameter':
      return 400;
    default:
      return undefined;
  }
}

/**
 * What the client is told about a thrown error. Refusals (ApiError, AuthError, a store refusal)
 * pass through with their code and fixed message. A database failure is a temporary 503; any
 * other failure is a 500 that names nothing internal.
 */
export function toApiError(thrown: unknown): MappedError {
  if (thrown instanceof ApiError) return { error: thrown, internal: false };
  if (thrown instanceof AuthError) {
    return { error: new ApiError(thrown.code, thrown.httpStatus, thrown.message), internal: false };
  }
  if (thrown instanceof PolicyVersionConflictError) {
    return {
      error: serverErrors.policyVersionConflict(thrown.expectedVersion, thrown.currentVersion),
      internal: false,
    };
  }
  if (thrown instanceof StoreError) {
    const status = storeStatus(thrown.code);
    if (status !== undefined) {
      return { error: new ApiError(thrown.code, status, thrown.message), internal: false };
    }
    if (thrown.code === 'Store.Database') return { error: serverErrors.storeUnavailable(), internal: true };
  }
  return { error: serverErrors.internalError(), internal: true };
}
