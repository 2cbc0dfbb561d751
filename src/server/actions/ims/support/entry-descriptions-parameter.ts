import type { CanonicalEntryMetadataJson } from '../../../../policy/entry-metadata.js';
import { parseEntryDescriptions } from '../../../../policy/parse-entry-descriptions.js';
import type { AccessKeyPolicy } from '../../../../policy/policy-document.js';
import type { PolicyLimits } from '../../../../policy/policy-limits.js';
import { entryDescriptionsRefused } from '../../../errors/api-error.js';
import type { Params } from '../../support/params.js';

/**
 * KeyFence's optional `EntryDescriptions` of the Set actions (docs/server.md, "Entry descriptions
 * and parked entries"), checked against the accepted `policy`: the scope's metadata in stored form
 * (null: none), or undefined when the parameter is absent, which keeps what the store has for the
 * entries that survive. Present but empty is refused: `[]` says "none", and an empty value must
 * not silently mean either.
 */
export function readEntryDescriptions(
  params: Params,
  policy: AccessKeyPolicy,
  limits: PolicyLimits,
): CanonicalEntryMetadataJson | null | undefined {
  const text = params.EntryDescriptions;
  if (text === undefined) return undefined;
  const parsed = parseEntryDescriptions(text, policy, limits);
  if (!parsed.ok) throw entryDescriptionsRefused(parsed.error);
  return parsed.value;
}
