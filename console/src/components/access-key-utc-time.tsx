import { formatUtc } from './access-key-time';

const nowrap = { whiteSpace: 'nowrap' } as const;

/** A time in table cells: a narrow column may break it between date and time, never inside either. */
export const UtcTime = ({ time }: { readonly time: string | undefined }) => {
  const [date, ...rest] = formatUtc(time).split(' ');
  return (
    <span>
      <span style={nowrap}>{date}</span> <span style={nowrap}>{rest.join(' ')}</span>
    </span>
  );
};
