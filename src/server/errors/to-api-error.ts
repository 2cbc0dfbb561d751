import { AuthError } from '../../auth/auth-error.js';
import { PolicyVersionConflictError, StoreError } from '../../store/index.js';
import { ApiError, authRefusal, serverErrors, storeRefusal } from './api-error.js';
import { storeErrorAnswer } from './error-catalogue.js';

export interface MappedError {
  readonly error: ApiError;
  /** True when the client is not told what went wrong: the server must log the original. */
  readonly internal: boolean;
}

/**
 * What the client is told about a thrown error. Refusals (ApiError, AuthError, a store refusal)
 * pass through with their code and fixed message. A database failure is a temporary 503; any
 * other failure is a 500 that names nothing internal.
 */
export function toApiError(thrown: unknown): MappedError {
  if (thrown instanceof ApiError) return { error: thrown, internal: false };
  if (thrown instanceof AuthError) return { error: authRefusal(thrown), internal: false };
  if (thrown instanceof PolicyVersionConflictError) {
    return {
      error: serverErrors.policyVersionConflict(thrown.expectedVersion, thrown.currentVersion),
      internal: false,
    };
  }
  if (thrown instanceof StoreError) {
    const refusal = storeRefusal(thrown);
    if (refusal !== undefined) return { error: refusal, internal: false };
    if (storeErrorAnswer[thrown.code] === 'unavailable') {
      return { error: serverErrors.storeUnavailable(), internal: true };
    }
  }
  return { error: serverErrors.internalError(), internal: true };
}
