import { err, ok, type Result } from '../common/result.js';
import { parseCidr } from '../net/cidr.js';
import {
  type CanonicalEntryMetadataJson,
  documentEntryKeys,
  type EntryMetadata,
  metadataKey,
  serializeEntryMetadata,
} from './entry-metadata.js';
import { describeJsonValue, isJsonObject } from './json-value.js';
import { type AccessKeyPolicy, ALLOW_ALL_VPC } from './policy-document.js';
import type { PolicyLimits } from './policy-limits.js';
import { isVpcId } from './vpc-id.js';

/** Longest description, in characters (code points). */
export const MAX_DESCRIPTION_LENGTH = 256;

/** Why an `EntryDescriptions` value was refused; the server answers `InvalidEntryDescriptions.<kind>`. */
export type EntryDescriptionsFault =
  | 'Malformed'
  | 'Entry'
  | 'Description'
  | 'Duplicate'
  | 'NotInPolicy'
  | 'ParkedInPolicy'
  | 'TooManyParked';

export interface EntryDescriptionsProblem {
  readonly fault: EntryDescriptionsFault;
  /** The element at fault; null when the whole value is. */
  readonly index: number | null;
  /** A sentence ending with its full stop. */
  readonly message: string;
}

const FIELDS: ReadonlySet<string> = new Set(['StatementType', 'VpcId', 'Entry', 'Description', 'Parked']);
/** C0, DEL, C1 and the Unicode line and paragraph separators: a description is one line of text. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029) return true;
  }
  return false;
}

/**
 * The KeyFence-only `EntryDescriptions` parameter of the Set actions, checked against the
 * `policy` sent with it: a JSON array of `{StatementType, VpcId?, Entry, Description?, Parked?}`.
 * Each entry is canonicalised as the document's are; a described entry that is not parked must be
 * in `policy` (in the statement named), a parked one must not be. The first problem is reported.
 * Pure (no `node:`), so the console checks a draft with the same code.
 */
export function parseEntryDescriptions(
  text: string,
  policy: AccessKeyPolicy,
  limits: PolicyLimits,
): Result<CanonicalEntryMetadataJson | null, EntryDescriptionsProblem> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return err({ fault: 'Malformed', index: null, message: 'it is not JSON.' });
  }
  if (!Array.isArray(value)) {
    return err({
      fault: 'Malformed',
      index: null,
      message: `it must be a JSON array, got ${describeJsonValue(value)}.`,
    });
  }
  const inDocument = documentEntryKeys(policy);
  const maxParked = limits.maxStatements * limits.maxEntriesPerStatement;
  const seen = new Set<string>();
  const entries: EntryMetadata[] = [];
  let parked = 0;
  for (const [index, item] of value.entries()) {
    const read = readElement(item, index);
    if (!read.ok) return read;
    const m = read.value;
    const key = metadataKey(m);
    if (seen.has(key)) return err(problem('Duplicate', index, `${m.Entry} is named twice in its statement.`));
    seen.add(key);
    if (m.Parked === true) {
      if (inDocument.has(key)) {
        return err(
          problem('ParkedInPolicy', index, `${m.Entry} is parked but is in the policy: remove one.`),
        );
      }
      if (++parked > maxParked) {
        return err(problem('TooManyParked', index, `at most ${maxParked} entries may be parked.`));
      }
    } else if (m.Description !== undefined && !inDocument.has(key)) {
      return err(
        problem('NotInPolicy', index, `${m.Entry} is not in the policy's statement of that type and VPC ID.`),
      );
    }
    entries.push(m);
  }
  return ok(serializeEntryMetadata(entries));
}

function problem(fault: EntryDescriptionsFault, index: number, why: string): EntryDescriptionsProblem {
  return { fault, index, message: `element ${index}: ${why}` };
}

function readElement(item: unknown, index: number): Result<EntryMetadata, EntryDescriptionsProblem> {
  const malformed = (why: string) => err(problem('Malformed', index, why));
  if (!isJsonObject(item)) return malformed(`it must be an object, got ${describeJsonValue(item)}.`);
  const unknown = Object.keys(item).find((name) => !FIELDS.has(name));
  if (unknown !== undefined) return malformed(`${describeJsonValue(unknown)} is not a field.`);
  const {
    StatementType: type,
    VpcId: vpcId,
    Entry: entry,
    Description: description,
    Parked: isParked,
  } = item;
  if (type !== 'ClassicWhiteList' && type !== 'VPCWhiteList') {
    return malformed('StatementType must be "ClassicWhiteList" or "VPCWhiteList".');
  }
  if (type === 'VPCWhiteList') {
    if (typeof vpcId !== 'string' || (vpcId !== ALLOW_ALL_VPC && !isVpcId(vpcId))) {
      return malformed(`a VPCWhiteList entry needs VpcId = a VPC ID or "${ALLOW_ALL_VPC}".`);
    }
  } else if (vpcId !== undefined && vpcId !== '') {
    return malformed('a ClassicWhiteList entry has no VpcId.');
  }
  if (typeof entry !== 'string') return malformed('Entry must be a string.');
  const cidr = parseCidr(entry);
  if (!cidr.ok) return err(problem('Entry', index, `${cidr.error.message} [${cidr.error.code}].`));
  if (isParked !== undefined && typeof isParked !== 'boolean')
    return malformed('Parked must be true or false.');
  if (description !== undefined && typeof description !== 'string') {
    return malformed('Description must be a string.');
  }
  if (description !== undefined && [...description].length > MAX_DESCRIPTION_LENGTH) {
    return err(
      problem('Description', index, `the description is longer than ${MAX_DESCRIPTION_LENGTH} characters.`),
    );
  }
  if (description !== undefined && hasControlCharacter(description)) {
    return err(problem('Description', index, 'the description contains a control character or line break.'));
  }
  return {
    ok: true,
    value: {
      StatementType: type,
      ...(type === 'VPCWhiteList' ? { VpcId: vpcId as string } : {}),
      Entry: cidr.value.canonical,
      ...(description === undefined || description === '' ? {} : { Description: description }),
      ...(isParked === true ? { Parked: true } : {}),
    },
  };
}
