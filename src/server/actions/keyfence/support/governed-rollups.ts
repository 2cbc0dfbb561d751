import { ownPolicyDecides } from '../../../../policy/decision-index.js';
import type { KeySourceRollup } from '../../../../store/index.js';
import type { ActionContext } from '../../../rpc/action.js';

/**
 * The rows of the keys an account-level policy would govern: keys that still exist and have no
 * Active policy of their own, as this node's decision index knows them.
 */
export async function governedByAccount(
  { explain }: Pick<ActionContext, 'explain'>,
  rows: readonly KeySourceRollup[],
): Promise<KeySourceRollup[]> {
  const governs = new Map<string, boolean>();
  for (const { accessKeyId } of rows) {
    if (governs.has(accessKeyId)) continue;
    const explained = await explain({ accessKeyId, temporary: false }, { ip: '' }, '');
    governs.set(
      accessKeyId,
      explained.decision.reason !== 'unknown-access-key' && !ownPolicyDecides(explained),
    );
  }
  return rows.filter((row) => governs.get(row.accessKeyId));
}
