import type { AccessKeyPolicy } from '@keyfence/policy/policy-document.js';
import type { ReactNode } from 'react';

/**
 * A policy document, read-only, laid out as JSON, with the deciding statement's matching entry
 * highlighted: where in the document a decision came from.
 */
export const PolicyDocumentView = ({
  policy,
  statement,
  entry,
}: {
  readonly policy: AccessKeyPolicy;
  readonly statement: number | null;
  readonly entry: number | null;
}) => {
  const lines: ReactNode[] = [];
  const line = (key: string, indent: number, text: ReactNode) =>
    lines.push(
      <div key={key} style={{ paddingLeft: indent * 16 }}>
        {text}
      </div>,
    );
  line('open', 0, '{');
  line('version', 1, `"Version": ${policy.Version},`);
  line('status', 1, `"Status": "${policy.Status}",`);
  line('statements', 1, '"Statements": [');
  policy.Statements.forEach((s, i) => {
    const mine = i === statement;
    line(`s${i}`, 2, mine ? <strong>{`{  // statement ${i}: matched`}</strong> : `{  // statement ${i}`);
    line(`s${i}-type`, 3, `"Type": "${s.Type}",`);
    if (s.Type === 'VPCWhiteList') line(`s${i}-value`, 3, `"Value": "${s.Value}",`);
    line(`s${i}-list`, 3, '"IPList": [');
    s.IPList.forEach((e, j) => {
      const text = `"${e}"${j < s.IPList.length - 1 ? ',' : ''}`;
      line(`s${i}-e${j}`, 4, mine && j === entry ? <mark title="The matching entry">{text}</mark> : text);
    });
    line(`s${i}-close-list`, 3, ']');
    line(`s${i}-close`, 2, i < policy.Statements.length - 1 ? '},' : '}');
  });
  line('close-statements', 1, ']');
  line('close', 0, '}');
  return (
    <div
      role="document"
      aria-label="Deciding policy document"
      style={{
        fontFamily: 'monospace',
        fontSize: 12,
        background: '#fafafa',
        padding: 8,
        border: '1px solid #f0f0f0',
      }}
    >
      {lines}
    </div>
  );
};
