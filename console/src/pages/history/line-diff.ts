/** One row of a side-by-side diff: a line on the left, on the right, or the same on both. */
export interface DiffRow {
  readonly left: string | undefined;
  readonly right: string | undefined;
  readonly kind: 'same' | 'removed' | 'added' | 'changed';
}

/**
 * A line diff by longest common subsequence (documents are at most a few hundred lines), laid
 * out side by side: a removed line next to an added one reads as changed.
 */
export const lineDiff = (before: readonly string[], after: readonly string[]): DiffRow[] => {
  const n = before.length;
  const m = after.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] =
        before[i] === after[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const rows: DiffRow[] = [];
  const removed: string[] = [];
  const added: string[] = [];
  const flush = () => {
    for (let k = 0; k < Math.max(removed.length, added.length); k++) {
      const left = removed[k];
      const right = added[k];
      rows.push({
        left,
        right,
        kind: left === undefined ? 'added' : right === undefined ? 'removed' : 'changed',
      });
    }
    removed.length = 0;
    added.length = 0;
  };
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && before[i] === after[j]) {
      flush();
      rows.push({ left: before[i], right: after[j], kind: 'same' });
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) added.push(after[j++]!);
    else removed.push(before[i++]!);
  }
  flush();
  return rows;
};

/** A document as lines to diff: pretty-printed when it is JSON, as it is otherwise. */
export const documentLines = (text: string): string[] => {
  try {
    return JSON.stringify(JSON.parse(text), null, 2).split('\n');
  } catch {
    return text.split('\n');
  }
};
