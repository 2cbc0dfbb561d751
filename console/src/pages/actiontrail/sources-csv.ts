import type { SourceGroup } from './source-groups';

const cell = (value: string | number | boolean): string => {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** The Source IPs table as CSV, one row per row shown. */
export const sourcesCsv = (rows: readonly SourceGroup[], covered: (row: SourceGroup) => boolean): string => {
  const header = [
    'Source',
    'VpcId',
    'FirstSeen',
    'LastSeen',
    'AllowedCalls',
    'DeniedCalls',
    'FailedCalls',
    'Services',
    'New',
    'CoveredByPolicyInForce',
  ];
  const lines = rows.map((r) =>
    [
      r.source,
      r.vpcId ?? '',
      r.firstSeen,
      r.lastSeen,
      r.allowed,
      r.denied,
      r.failed,
      r.services.join(' '),
      r.isNew,
      covered(r),
    ]
      .map(cell)
      .join(','),
  );
  return `${[header.join(','), ...lines].join('\r\n')}\r\n`;
};

/** Hands a text to the browser as a file download. */
export const download = (name: string, text: string, type: string): void => {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = name;
  anchor.click();
  URL.revokeObjectURL(url);
};
