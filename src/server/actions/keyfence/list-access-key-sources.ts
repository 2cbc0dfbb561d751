import { formatAlibabaTime } from '../../../common/alibaba-time.js';
import { DAY_MS, utcDayOf } from '../../../common/utc-day.js';
import type { Source } from '../../../policy/decision.js';
import type { KeySourceRollup } from '../../../store/index.js';
import type { ActionContext, ActionDefinition } from '../../rpc/action.js';
import { scopeRollups } from './support/scope-rollups.js';
import { sourceBody } from './support/source-body.js';
import { comparePositions, positionOf } from './support/source-order.js';
import { readSourcesRequest } from './support/sources-request.js';
import { encodeSourcesToken } from './support/sources-token.js';

/** A source first seen (in all the audit data kept) this recently is `New`. */
const NEW_MS = DAY_MS;

/**
 * Where a key, a RAM user's keys, or every key of the caller's account were used from over a
 * window (docs/server.md): one entry per (key, source address, VPC), from the key-source rollups,
 * so summed over the whole UTC days the window touches. Ordered by calls or by last use, a page
 * at a time; each entry says whether the policy this node enforces now lets the key in from
 * there (`CoveredByCurrentPolicy`) and whether it was first seen in the last 24 hours (`New`).
 */
export const listAccessKeySources: ActionDefinition = {
  product: 'Keyfence',
  name: 'ListAccessKeySources',
  ramAction: 'keyfence:ListAccessKeySources',
  async handle(context) {
    const { caller, params, store, now, auditRetentionDays } = context;
    const at = now();
    const request = readSourcesRequest(params, at, auditRetentionDays);
    const { window, sort, after } = request;
    const rows = await scopeRollups(store, caller, request.scope, window.start, window.end);
    const ranked = rows
      .map((row) => ({ row, position: positionOf(row, sort) }))
      .sort((a, b) => comparePositions(a.position, b.position));
    const first = after === undefined ? 0 : ranked.findIndex((r) => comparePositions(r.position, after) > 0);
    const page = first < 0 ? [] : ranked.slice(first, first + request.maxResults);
    const more = first >= 0 && first + page.length < ranked.length;
    const seenBefore = await sourcesSeenBefore(
      context,
      page.map((r) => r.row),
      window.start,
      at,
    );
    const sources = await Promise.all(
      page.map(async ({ row }) =>
        sourceBody(row, {
          covered: await covered(context, row),
          isNew: row.firstSeen.getTime() >= at.getTime() - NEW_MS && !seenBefore.has(identity(row)),
        }),
      ),
    );
    return {
      StartTime: formatAlibabaTime(window.start),
      EndTime: formatAlibabaTime(window.end),
      TotalCount: ranked.length,
      NextToken: more
        ? encodeSourcesToken({
            ...window,
            sort,
            scopeDigest: request.scopeDigest,
            after: page[page.length - 1]!.position,
          })
        : '',
      Sources: sources,
    };
  },
};

/**
 * Whether the policy this node enforces now would let the key in from the row's source. Decided
 * under no service, which no exemption names: what the policies say, whatever the services. With
 * no Active policy every source is covered (nothing restricts the key); a key deleted since is not.
 */
async function covered({ explain }: ActionContext, row: KeySourceRollup): Promise<boolean> {
  const source: Source = row.vpcId === null ? { ip: row.sourceIp } : { ip: row.sourceIp, vpcId: row.vpcId };
  const { decision } = await explain({ accessKeyId: row.accessKeyId, temporary: false }, source, '');
  return decision.allowed;
}

/**
 * Of the rows first seen in the window within the last 24 hours, those seen on an earlier kept
 * day before the window: not new. Read per key, only for keys with such a row.
 */
async function sourcesSeenBefore(
  { store, caller, auditRetentionDays }: Pick<ActionContext, 'store' | 'caller' | 'auditRetentionDays'>,
  rows: readonly KeySourceRollup[],
  windowStart: Date,
  at: Date,
): Promise<Set<string>> {
  const recent = new Set(
    rows.filter((row) => row.firstSeen.getTime() >= at.getTime() - NEW_MS).map((row) => row.accessKeyId),
  );
  const firstKept = (utcDayOf(at) - auditRetentionDays) * DAY_MS;
  const lastBefore = utcDayOf(windowStart) * DAY_MS - 1;
  const seen = new Set<string>();
  if (recent.size === 0 || lastBefore < firstKept) return seen;
  for (const accessKeyId of recent) {
    const earlier = await store.keySourceRollups({
      accountId: caller.accountId,
      accessKeyId,
      from: new Date(firstKept),
      to: new Date(lastBefore),
    });
    for (const row of earlier) seen.add(identity(row));
  }
  return seen;
}

function identity(row: KeySourceRollup): string {
  return `${row.accessKeyId}\n${row.sourceIp}\n${row.vpcId ?? ''}`;
}
