import type { ActionDefinition } from '../../rpc/action.js';
import { assumeRole } from './assume-role.js';
import { getCallerIdentity } from './get-caller-identity.js';

/** STS 2015-04-01: temporary credentials, and who signed a request. */
export const STS_ACTIONS: readonly ActionDefinition[] = Object.freeze([assumeRole, getCallerIdentity]);
