import { parseCidr } from '@keyfence/net/cidr.js';
import { isNeverSet } from '@keyfence/policy/no-policy.js';
import type { PolicyStatement, StatementType } from '@keyfence/policy/policy-document.js';
import { draftFromPolicy } from './draft-from-policy';
import type { EntryMetadata } from './entry-metadata';
import { appendEntries, readEntryText } from './entry-text';
import { type DraftStatement, newStatement, orderStatements, type PanelDraft } from './panel-draft';
import type { PanelRequest } from './policy-scope';

/** The canonical form of every entry of a card that parses. */
export function canonicalEntries(text: string): Set<string> {
  const found = new Set<string>();
  for (const { text: entry } of readEntryText(text)) {
    const parsed = parseCidr(entry);
    if (parsed.ok) found.add(parsed.value.canonical);
  }
  return found;
}

function canonical(entry: string): string {
  const parsed = parseCidr(entry);
  return parsed.ok ? parsed.value.canonical : entry;
}

/**
 * Adds entries to the card of this type and VPC (a new card when there is none): into its text,
 * or, `suggested`, as proposals awaiting Accept. Entries the card already has are left out.
 */
export function addEntries(
  draft: PanelDraft,
  type: StatementType,
  vpcId: string,
  entries: readonly string[],
  suggested: boolean,
): PanelDraft {
  const statements = [...draft.statements];
  let at = statements.findIndex((s) => s.type === type && (type === 'ClassicWhiteList' || s.vpcId === vpcId));
  if (at < 0) {
    statements.push(newStatement(type, type === 'VPCWhiteList' ? vpcId : ''));
    at = statements.length - 1;
  }
  const card: DraftStatement = statements[at]!;
  const have = canonicalEntries(card.text);
  for (const s of card.suggested) have.add(s);
  const fresh = [...new Set(entries.map(canonical))].filter((e) => !have.has(e));
  statements[at] = suggested
    ? { ...card, suggested: [...card.suggested, ...fresh] }
    : {
        ...card,
        text: appendEntries(
          card.text,
          fresh.map((text) => ({ text, description: undefined })),
        ),
      };
  return { ...draft, statements: orderStatements(statements) };
}

/** Every entry of a document, as suggestions (Suggest from history, Recommend's Open in panel). */
export function suggestPolicy(draft: PanelDraft, policyJson: string): PanelDraft {
  if (isNeverSet(policyJson)) return draft;
  const { Status, Statements } = JSON.parse(policyJson) as {
    Status: PanelDraft['status'];
    Statements: readonly PolicyStatement[];
  };
  // A scope with nothing stored takes the suggestion's status too: accepting a recommendation for
  // a key without a policy should not store an Inactive one that restricts nothing. A scope with
  // statements keeps its own status: suggestions add entries, they do not switch a policy on.
  const start = draft.statements.length === 0 ? { ...draft, status: Status } : draft;
  return Statements.reduce(
    (d, s) => addEntries(d, s.Type, s.Type === 'VPCWhiteList' ? s.Value : '', s.IPList, true),
    start,
  );
}

/**
 * The draft a panel opens with: the stored one, with what the opener asked for applied. A document
 * to start from (a version restored from history) keeps the stored descriptions of the entries it
 * holds, and the parked entries, as a Set without `EntryDescriptions` would: opening it must not
 * make Submit drop them.
 */
export function applyRequest(
  stored: PanelDraft,
  request: PanelRequest,
  storedMetadata: readonly EntryMetadata[],
): PanelDraft {
  const suggested = request.suggested === true;
  let draft = stored;
  if (request.draft !== undefined) {
    draft = suggested
      ? suggestPolicy(stored, request.draft)
      : draftFromPolicy(request.draft, request.draftMetadata ?? storedMetadata);
  }
  if (request.addPublic !== undefined && request.addPublic.length > 0) {
    draft = addEntries(draft, 'ClassicWhiteList', '', request.addPublic, suggested);
  }
  for (const { vpcId, entries } of request.addVpc ?? []) {
    draft = addEntries(draft, 'VPCWhiteList', vpcId, entries, suggested);
  }
  return draft;
}
