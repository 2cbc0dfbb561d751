import { CheckOutlined, CloseOutlined } from '@ant-design/icons';
import { Button, Input, Space, Tag, Typography } from 'antd';
import { EntryChip } from './entry-chip';
import { metadataKey } from './entry-metadata';
import { appendEntries, readEntryText, writeEntryText } from './entry-text';
import type { DraftStatement } from './panel-draft';
import type { EntryUse } from './use-panel-data';
import type { StatementView } from './validate-draft';

interface EntryEditorProps {
  readonly statement: DraftStatement;
  readonly view: StatementView;
  /** "Public network entries", "VPC entries of vpc-…": the text area's accessible name. */
  readonly label: string;
  /** The chips list's accessible name (distinct from the text area's, so labels stay unambiguous). */
  readonly chipsLabel: string;
  readonly limit: number;
  readonly usage: ReadonlyMap<string, EntryUse>;
  readonly windowDays: number;
  readonly onChange: (statement: DraftStatement) => void;
}

/** A key per entry that stays put as entries are typed: its text and which occurrence of it. */
function occurrenceKeys(texts: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return texts.map((text) => {
    const n = (seen.get(text) ?? 0) + 1;
    seen.set(text, n);
    return `${text}#${n}`;
  });
}

/**
 * A statement's entries: the text area (spaces, commas, semicolons or newlines between entries,
 * `# text` after one for its description), the counter against the configured limit, a chip per
 * entry, the problems the server's parser and lint find, and the suggestions awaiting Accept.
 */
export const EntryEditor = ({
  statement,
  view,
  label,
  chipsLabel,
  limit,
  usage,
  windowDays,
  onChange,
}: EntryEditorProps) => {
  const atLimit = view.documentEntries >= limit;
  const rewrite = (index: number, description: string) => {
    const typed = readEntryText(statement.text).map((entry, k) =>
      k === index ? { ...entry, description: description === '' ? undefined : description } : entry,
    );
    onChange({ ...statement, text: writeEntryText(typed) });
  };
  const park = (canonical: string, parked: boolean) =>
    onChange({
      ...statement,
      parked: parked ? [...statement.parked, canonical] : statement.parked.filter((e) => e !== canonical),
    });
  const accept = (entries: readonly string[]) =>
    onChange({
      ...statement,
      text: appendEntries(
        statement.text,
        entries.map((text) => ({ text, description: undefined })),
      ),
      suggested: statement.suggested.filter((e) => !entries.includes(e)),
    });
  const dismiss = (entry: string) =>
    onChange({ ...statement, suggested: statement.suggested.filter((e) => e !== entry) });
  const chipKeys = occurrenceKeys(view.entries.map((e) => e.text));
  const problems = view.entries.flatMap((entry, k) =>
    [
      ...entry.errors.map((p) => ({ p, error: true })),
      ...entry.warnings.map((p) => ({ p, error: false })),
    ].map(({ p, error }) => ({
      key: `${k}:${p.code}:${p.message}`,
      entry: entry.canonical ?? entry.text,
      p,
      error,
    })),
  );
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Input.TextArea
        aria-label={label}
        value={statement.text}
        autoSize={{ minRows: 3, maxRows: 12 }}
        placeholder="203.0.113.1, 198.51.100.0/24; 2001:db8::/32  # one entry a line, a description after #"
        onChange={(e) => onChange({ ...statement, text: e.target.value })}
      />
      <Typography.Text type={atLimit ? 'danger' : 'secondary'} aria-live="polite">
        {view.documentEntries} / {limit} entries
        {statement.parked.length > 0 && `, ${statement.parked.length} parked`}
      </Typography.Text>
      {view.entries.length > 0 && (
        <ul aria-label={chipsLabel} className="kf-chips" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {view.entries.map((entry, k) => (
            <li key={chipKeys[k]} style={{ display: 'inline-block', marginInlineEnd: 4 }}>
              <EntryChip
                entry={entry}
                use={
                  entry.canonical === undefined
                    ? undefined
                    : usage.get(metadataKey(statement.type, statement.vpcId.trim(), entry.canonical))
                }
                windowDays={windowDays}
                onDescription={(d) => rewrite(k, d)}
                onParked={(p) => entry.canonical !== undefined && park(entry.canonical, p)}
              />
            </li>
          ))}
        </ul>
      )}
      {problems.map(({ key, entry, p, error }) => (
        <Typography.Text key={key} type={error ? 'danger' : 'warning'} style={{ display: 'block' }}>
          {error ? 'Error' : 'Warning'}: {entry}: {p.message} ({p.code})
        </Typography.Text>
      ))}
      {[...view.errors, ...view.warnings].map((p) => (
        <Typography.Text
          key={`${p.code}:${p.message}`}
          type={view.errors.includes(p) ? 'danger' : 'warning'}
          style={{ display: 'block' }}
        >
          {view.errors.includes(p) ? 'Error' : 'Warning'}: {p.message} ({p.code})
        </Typography.Text>
      ))}
      {statement.suggested.length > 0 && (
        <div>
          <Space wrap>
            <Typography.Text>Suggested from history:</Typography.Text>
            {statement.suggested.map((entry) => (
              <Tag key={entry} variant="outlined" style={{ borderStyle: 'dashed' }} color="processing">
                {entry} <em>suggested</em>
                <Button
                  type="text"
                  size="small"
                  icon={<CheckOutlined />}
                  aria-label={`Accept ${entry}`}
                  onClick={() => accept([entry])}
                />
                <Button
                  type="text"
                  size="small"
                  icon={<CloseOutlined />}
                  aria-label={`Dismiss ${entry}`}
                  onClick={() => dismiss(entry)}
                />
              </Tag>
            ))}
            <Button size="small" onClick={() => accept(statement.suggested)}>
              Accept all
            </Button>
          </Space>
        </div>
      )}
    </Space>
  );
};
