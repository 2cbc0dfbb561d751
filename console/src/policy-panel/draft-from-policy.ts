import { isNeverSet } from '@keyfence/policy/no-policy.js';
import type { PolicyStatement } from '@keyfence/policy/policy-document.js';
import { type EntryMetadata, metadataKey } from './entry-metadata';
import { writeEntryText } from './entry-text';
import { type DraftStatement, newStatement, orderStatements, type PanelDraft } from './panel-draft';

/** The draft of a scope whose policy was never set: nothing, and not enforced until Enable. */
export const EMPTY_DRAFT: PanelDraft = { status: 'Inactive', statements: [] };

interface StoredDocument {
  readonly Status: 'Active' | 'Inactive';
  readonly Statements: readonly PolicyStatement[];
}

function statementKey(type: string, vpcId: string): string {
  return `${type}|${vpcId}`;
}

/**
 * The panel's draft for a stored policy (`{}` when never set) and its entry metadata: each entry
 * on a line with its description; parked entries, which the document no longer holds, back on
 * their statement's card, switched off.
 */
export function draftFromPolicy(policyJson: string, metadata: readonly EntryMetadata[] = []): PanelDraft {
  if (isNeverSet(policyJson) && metadata.length === 0) return EMPTY_DRAFT;
  const stored: StoredDocument = isNeverSet(policyJson)
    ? { Status: 'Inactive', Statements: [] }
    : (JSON.parse(policyJson) as StoredDocument);
  const described = new Map(metadata.map((m) => [metadataKey(m.StatementType, m.VpcId, m.Entry), m]));
  const cards = new Map<string, DraftStatement>();
  for (const s of stored.Statements) {
    const vpcId = s.Type === 'VPCWhiteList' ? s.Value : '';
    const entries = s.IPList.map((entry) => ({
      text: entry,
      description: described.get(metadataKey(s.Type, vpcId, entry))?.Description,
    }));
    const card = newStatement(s.Type, vpcId, writeEntryText(entries));
    // Two VPC statements may name the same VPC: each keeps its own card.
    cards.set(cards.has(statementKey(s.Type, vpcId)) ? `${card.id}` : statementKey(s.Type, vpcId), card);
  }
  for (const m of metadata) {
    if (m.Parked !== true) continue;
    const vpcId = m.StatementType === 'VPCWhiteList' ? (m.VpcId ?? '') : '';
    const key = statementKey(m.StatementType, vpcId);
    const card = cards.get(key) ?? newStatement(m.StatementType, vpcId);
    const line = writeEntryText([{ text: m.Entry, description: m.Description }]);
    cards.set(key, {
      ...card,
      text: card.text === '' ? line : `${card.text}\n${line}`,
      parked: [...card.parked, m.Entry],
    });
  }
  return { status: stored.Status, statements: orderStatements([...cards.values()]) };
}
