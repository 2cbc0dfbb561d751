import { formatUtc } from './access-key-time';

/** A time in table cells: one line, so a narrow column never splits date, time and zone. */
export const UtcTime = ({ time }: { readonly time: string | undefined }) => (
  <span style={{ whiteSpace: 'nowrap' }}>{formatUtc(time)}</span>
);
