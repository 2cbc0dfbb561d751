import { lookupEvents } from './audit-event';

/**
 * The server's clock, from the end of the window LookupEvents chooses when given none: windows
 * are counted from it, so a browser clock set otherwise does not move them.
 */
export const serverNow = async (): Promise<Date> =>
  new Date((await lookupEvents({ MaxResults: '1' })).EndTime);
