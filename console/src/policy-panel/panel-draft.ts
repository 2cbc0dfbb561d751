import type { PolicyStatus, StatementType } from '@keyfence/policy/policy-document.js';

/** One statement card of the panel: its type, VPC ID, and the text area as typed. */
export interface DraftStatement {
  /** Stable across edits, for React keys and for finding the card again. */
  readonly id: number;
  readonly type: StatementType;
  /** The VPC ID input of a VPC card (`AllowAllVPC` too); '' on the public card. */
  readonly vpcId: string;
  /** Entries as typed: separators as `splitEntries` knows them, `# description` after an entry. */
  readonly text: string;
  /** Canonical entries switched off: kept with their description, left out of the document. */
  readonly parked: readonly string[];
  /** Canonical entries proposed from history, not part of the draft until accepted. */
  readonly suggested: readonly string[];
}

/** What the panel edits: the policy's status and its statements, the public one first. */
export interface PanelDraft {
  readonly status: PolicyStatus;
  readonly statements: readonly DraftStatement[];
}

let nextId = 1;

export function newStatement(type: StatementType, vpcId = '', text = ''): DraftStatement {
  return { id: nextId++, type, vpcId, text, parked: [], suggested: [] };
}

/** The public statement first, then the VPC cards in their order: how the document lists them. */
export function orderStatements(statements: readonly DraftStatement[]): DraftStatement[] {
  return [
    ...statements.filter((s) => s.type === 'ClassicWhiteList'),
    ...statements.filter((s) => s.type === 'VPCWhiteList'),
  ];
}
