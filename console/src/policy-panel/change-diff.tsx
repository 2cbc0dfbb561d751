import { Typography } from 'antd';
import { diffPolicies } from './policy-diff';

const statusName = (status: string | undefined): string =>
  status === 'Active' ? 'Enabled' : status === 'Inactive' ? 'Disabled' : 'Not configured';

/** The document's changes: status, then per statement the entries added (green) and removed (red). */
export const ChangeDiff = ({ before, after }: { readonly before: string; readonly after: string }) => {
  const diff = diffPolicies(before, after);
  if (diff.status === undefined && diff.statements.length === 0) {
    return <Typography.Paragraph>No change to the document (entry descriptions only).</Typography.Paragraph>;
  }
  return (
    <div className="kf-change-diff">
      {diff.status !== undefined && (
        <Typography.Paragraph style={{ marginBottom: 4 }}>
          Policy Status: {statusName(diff.status[0])} → <strong>{statusName(diff.status[1])}</strong>
        </Typography.Paragraph>
      )}
      {diff.statements.map((s) => (
        <div key={s.name} style={{ marginBottom: 4 }}>
          <Typography.Text strong>{s.name}</Typography.Text>
          <ul className="kf-diff" style={{ margin: 0, paddingLeft: 20, fontFamily: 'monospace' }}>
            {s.added.map((e) => (
              <li key={`+${e}`} style={{ color: '#237804' }}>
                + {e}
              </li>
            ))}
            {s.removed.map((e) => (
              <li key={`-${e}`} style={{ color: '#a8071a' }}>
                − {e}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
};
