import type { ActionDefinition } from '../../rpc/action.js';
import { lookupEvents } from './lookup-events.js';

/** ActionTrail 2020-07-06: the audit log. */
export const ACTIONTRAIL_ACTIONS: readonly ActionDefinition[] = Object.freeze([lookupEvents]);
