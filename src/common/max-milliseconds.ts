/** Longest a node timer can wait (setTimeout's limit): configuration and timers share the bound. */
export const MAX_MILLISECONDS = 2_147_483_647;
