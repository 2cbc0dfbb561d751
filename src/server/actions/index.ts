import type { ActionDefinition } from '../rpc/action.js';
import { ACTIONTRAIL_ACTIONS } from './actiontrail/index.js';
import { IMS_ACTIONS } from './ims/index.js';
import { KEYFENCE_ACTIONS } from './keyfence/index.js';
import { RAM_ACTIONS } from './ram/index.js';
import { STS_ACTIONS } from './sts/index.js';

/**
 * Every action, for the server core to register. Each product's folder holds its actions, one a
 * file, and lists them in its index: adding an action is its file and a line there.
 */
export const ALL_ACTIONS: readonly ActionDefinition[] = Object.freeze([
  ...IMS_ACTIONS,
  ...RAM_ACTIONS,
  ...STS_ACTIONS,
  ...ACTIONTRAIL_ACTIONS,
  ...KEYFENCE_ACTIONS,
]);
