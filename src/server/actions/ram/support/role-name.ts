import type { RoleName } from '../../../../store/index.js';
import { type Params, requiredText } from '../../support/params.js';

/**
 * `RoleName` of an existing role. Looked up as the store stores names (which also allows "_");
 * RAM's stricter rule for new names is CreateRole's.
 */
export function readRoleName(params: Params): RoleName {
  return requiredText(params, 'RoleName', {
    maxLength: 64,
    pattern: /^[0-9A-Za-z._-]+$/,
    shape: 'a role name of letters, digits, ".", "_" and "-"',
  }) as RoleName;
}
