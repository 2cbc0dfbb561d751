import { KeyFenceError } from '../../common/keyfence-error.js';

/**
 * An error the Alibaba-compatible API answers with: `code` is Alibaba's (or KeyFence's own,
 * in Alibaba's style), `httpStatus` the status the official SDKs expect for it. `detail` adds
 * fields to the JSON body (e.g. `AccessDeniedDetail`).
 */
export class ApiError extends KeyFenceError {
  readonly httpStatus: number;
  readonly detail: Readonly<Record<string, unknown>> | undefined;

  constructor(code: string, httpStatus: number, message: string, detail?: Readonly<Record<string, unknown>>) {
    super(code, message);
    this.httpStatus = httpStatus;
    this.detail = detail;
  }
}

export const missingParameter = (name: string) =>
  new ApiError(
    `MissingParameter.${name}`,
    400,
    `The input parameter "${name}" that is mandatory for processing this request is not supplied.`,
  );

export const invalidParameter = (name: string, why: string) =>
  new ApiError(`InvalidParameter.${name}`, 400, `The parameter "${name}" is not valid: ${why}`);

export const noPermission = (detail?: Readonly<Record<string, unknown>>) =>
  new ApiError('NoPermission', 403, 'You are not authorized to do this action.', detail);
