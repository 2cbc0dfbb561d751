/** Keyset paging for list calls: stable under concurrent inserts, cheap at any depth. */
export interface Page<Cursor> {
  /** Return entries after this one, in ID or name order. */
  readonly after?: Cursor;
  /** At most this many; default 100. */
  readonly limit?: number;
}

export const DEFAULT_PAGE_LIMIT = 100;
