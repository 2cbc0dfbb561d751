import { documentLines, lineDiff } from './line-diff';

const BACKGROUND = { same: undefined, removed: '#fff1f0', added: '#f6ffed', changed: '#fffbe6' } as const;
const MARK = { same: ' ', removed: '-', added: '+', changed: '~' } as const;

/** Two versions of a document side by side, removed lines red on the left, added green on the right. */
export const SideBySideDiff = ({
  before,
  after,
  beforeLabel,
  afterLabel,
}: {
  readonly before: string;
  readonly after: string;
  readonly beforeLabel: string;
  readonly afterLabel: string;
}) => {
  const rows = lineDiff(documentLines(before), documentLines(after));
  const cell = {
    fontFamily: 'monospace',
    fontSize: 12,
    whiteSpace: 'pre-wrap',
    padding: '0 8px',
    verticalAlign: 'top',
  } as const;
  return (
    <table style={{ width: '100%', borderCollapse: 'collapse', tableLayout: 'fixed' }}>
      <thead>
        <tr>
          <th scope="col" style={{ textAlign: 'left' }}>
            {beforeLabel}
          </th>
          <th scope="col" style={{ textAlign: 'left' }}>
            {afterLabel}
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are positions in a diff computed afresh each render.
          <tr key={i}>
            <td style={{ ...cell, background: row.kind === 'added' ? undefined : BACKGROUND[row.kind] }}>
              {row.left === undefined
                ? ''
                : `${row.kind === 'same' ? ' ' : row.kind === 'changed' ? '~' : '-'} ${row.left}`}
            </td>
            <td style={{ ...cell, background: row.kind === 'removed' ? undefined : BACKGROUND[row.kind] }}>
              {row.right === undefined ? '' : `${MARK[row.kind]} ${row.right}`}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
};
