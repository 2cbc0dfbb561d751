import { parseCidr } from '@keyfence/net/cidr.js';
import { lintPolicy } from '@keyfence/policy/lint-policy.js';
import { parseStatement } from '@keyfence/policy/parse-statement.js';
import type {
  AccessKeyPolicy,
  CanonicalPolicyJson,
  PolicyStatement,
} from '@keyfence/policy/policy-document.js';
import { DEFAULT_POLICY_LIMITS, type PolicyLimits } from '@keyfence/policy/policy-limits.js';
import type { PolicyProblem, PolicyProblems } from '@keyfence/policy/policy-problem.js';
import { serializePolicy } from '@keyfence/policy/serialize-policy.js';
import type { ConsoleSession } from '../api/console-session';
import type { EntryMetadata } from './entry-metadata';
import { readEntryText } from './entry-text';
import type { PanelDraft } from './panel-draft';

/** A problem as a chip or a card shows it: the stable code and the server's own sentence. */
export interface ShownProblem {
  readonly code: string;
  readonly message: string;
}

export interface EntryView {
  /** The entry as typed. */
  readonly text: string;
  /** Canonical form, when it parses. */
  readonly canonical: string | undefined;
  readonly description: string | undefined;
  readonly parked: boolean;
  readonly errors: readonly ShownProblem[];
  readonly warnings: readonly ShownProblem[];
}

export interface StatementView {
  readonly id: number;
  readonly entries: readonly EntryView[];
  /** Entries the document will hold (parked ones are not in it): what the limit counts. */
  readonly documentEntries: number;
  readonly errors: readonly ShownProblem[];
  readonly warnings: readonly ShownProblem[];
}

export interface DraftValidation {
  readonly statements: readonly StatementView[];
  /** Problems of the whole document (statement counts, Active with no statement). */
  readonly errors: readonly ShownProblem[];
  readonly warnings: readonly ShownProblem[];
  readonly errorCount: number;
  /** The document from every valid entry: exactly what Submit sends once there is no error. */
  readonly policy: AccessKeyPolicy;
  readonly json: CanonicalPolicyJson;
  /** `EntryDescriptions` for Submit: described or parked entries. */
  readonly metadata: readonly EntryMetadata[];
}

/** The deployment's limits, as the session reports them; the rest are the server's defaults. */
export function sessionLimits(session: ConsoleSession): PolicyLimits {
  return {
    ...DEFAULT_POLICY_LIMITS,
    maxStatements: session.PolicyLimits.MaxStatements,
    maxEntriesPerStatement: session.PolicyLimits.MaxEntriesPerStatement,
  };
}

const LOCATION = /^statement \d+(, IPList\[\d+\])?: /;

/** The server's message without the "statement 0, IPList[3]:" the chip or card already shows. */
function shown(problem: PolicyProblem): ShownProblem {
  return { code: problem.code, message: problem.message.replace(LOCATION, '') };
}

function entryIndex(field: string | undefined): number | undefined {
  const match = field === undefined ? null : /^IPList\[(\d+)\]$/.exec(field);
  return match === null ? undefined : Number(match[1]);
}

interface Working {
  entries: {
    text: string;
    canonical: string | undefined;
    description: string | undefined;
    parked: boolean;
    errors: ShownProblem[];
    warnings: ShownProblem[];
  }[];
  errors: ShownProblem[];
  warnings: ShownProblem[];
  documentEntries: number;
}

/**
 * Validates a draft as the server will: every entry through `parseCidr` (its exact message and
 * code), each statement through `parseStatement` with the deployment's limits, the valid part
 * through `lintPolicy`. Nothing here decides validity on its own: it only maps the server's
 * findings back to the chips and cards they are about.
 */
export function validateDraft(draft: PanelDraft, limits: PolicyLimits): DraftValidation {
  const working: Working[] = [];
  const statements: PolicyStatement[] = [];
  // Where each statement of `statements`, and each of its entries, came from.
  const origins: { card: number; entries: number[] }[] = [];
  const vpcCards = new Map<string, number>();
  draft.statements.forEach((card, s) => {
    const w: Working = { entries: [], errors: [], warnings: [], documentEntries: 0 };
    working.push(w);
    const parked = new Set(card.parked);
    const inDocument: { text: string; at: number }[] = [];
    for (const typed of readEntryText(card.text)) {
      const parsed = parseCidr(typed.text);
      const canonical = parsed.ok ? parsed.value.canonical : undefined;
      const isParked = canonical !== undefined && parked.has(canonical);
      w.entries.push({
        text: typed.text,
        canonical,
        description: typed.description,
        parked: isParked,
        errors: parsed.ok ? [] : [{ code: parsed.error.code, message: parsed.error.message }],
        warnings: [],
      });
      if (!isParked) inDocument.push({ text: typed.text, at: w.entries.length - 1 });
    }
    w.documentEntries = inDocument.length;
    const raw =
      card.type === 'VPCWhiteList'
        ? { Type: card.type, Value: card.vpcId.trim(), IPList: inDocument.map((e) => e.text) }
        : { Type: card.type, IPList: inDocument.map((e) => e.text) };
    const problems: PolicyProblems = { errors: [], warnings: [] };
    parseStatement(raw, s, limits, problems);
    for (const problem of problems.errors) {
      // A bad entry's error is parseCidr's, already on its chip.
      if (entryIndex(problem.field) === undefined) w.errors.push(shown(problem));
    }
    for (const problem of problems.warnings) {
      const k = entryIndex(problem.field);
      if (k === undefined) w.warnings.push(shown(problem));
      else w.entries[inDocument[k]!.at]!.warnings.push(shown(problem));
    }
    if (card.type === 'VPCWhiteList') {
      const vpcId = card.vpcId.trim();
      const first = vpcCards.get(vpcId);
      if (vpcId !== '' && first !== undefined) {
        w.warnings.push({
          code: 'Console.DuplicateVpcStatement',
          message: `${vpcId} is also the VPC of statement ${first}: merge them`,
        });
      } else vpcCards.set(vpcId, s);
    }
    // The valid part, for lint and for the decision: the document minus what is wrong.
    const valid = inDocument.filter((e) => w.entries[e.at]!.canonical !== undefined);
    const vpcValid = raw.Type !== 'VPCWhiteList' || !w.errors.some((p) => p.code.endsWith('.Value'));
    if (valid.length > 0 && vpcValid) {
      const list = valid.map((e) => w.entries[e.at]!.canonical!);
      statements.push(
        card.type === 'VPCWhiteList'
          ? { Type: 'VPCWhiteList', Value: card.vpcId.trim(), IPList: list }
          : { Type: 'ClassicWhiteList', IPList: list },
      );
      origins.push({ card: s, entries: valid.map((e) => e.at) });
    }
  });
  const policy: AccessKeyPolicy = { Version: 1, Status: draft.status, Statements: statements };
  const errors: ShownProblem[] = [];
  const warnings: ShownProblem[] = [];
  if (draft.statements.length > limits.maxStatements) {
    errors.push({
      code: 'LimitExceeded.Statements',
      message: `the policy has ${draft.statements.length} statements; the limit is ${limits.maxStatements}`,
    });
  }
  const publics = draft.statements.filter((s) => s.type === 'ClassicWhiteList').length;
  if (publics > limits.maxClassicStatements) {
    errors.push({
      code: 'LimitExceeded.ClassicWhiteList',
      message: `at most ${limits.maxClassicStatements} public statement`,
    });
  }
  for (const problem of lintPolicy(policy)) {
    const origin = problem.statement === undefined ? undefined : origins[problem.statement];
    const k = entryIndex(problem.field);
    if (origin === undefined) warnings.push(shown(problem));
    else if (k === undefined) working[origin.card]!.warnings.push(shown(problem));
    else working[origin.card]!.entries[origin.entries[k]!]!.warnings.push(shown(problem));
  }
  const metadata: EntryMetadata[] = [];
  const described = new Set<string>();
  draft.statements.forEach((card, s) => {
    for (const entry of working[s]!.entries) {
      if (entry.canonical === undefined || (entry.description === undefined && !entry.parked)) continue;
      const key = `${s}|${entry.canonical}`;
      if (described.has(key)) continue;
      described.add(key);
      metadata.push({
        StatementType: card.type,
        ...(card.type === 'VPCWhiteList' ? { VpcId: card.vpcId.trim() } : {}),
        Entry: entry.canonical,
        ...(entry.description === undefined ? {} : { Description: entry.description }),
        ...(entry.parked ? { Parked: true } : {}),
      });
    }
  });
  const views: StatementView[] = draft.statements.map((card, s) => ({ id: card.id, ...working[s]! }));
  const errorCount =
    errors.length +
    views.reduce((n, v) => n + v.errors.length + v.entries.reduce((m, e) => m + e.errors.length, 0), 0);
  return {
    statements: views,
    errors,
    warnings,
    errorCount,
    policy,
    json: serializePolicy(policy),
    metadata,
  };
}
