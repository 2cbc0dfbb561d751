import { clip } from './policy-problem.js';

/** A JSON object as `JSON.parse` returns it (never an array or null). */
export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Names a parsed JSON value in a message without echoing a whole nested structure back. */
export function describeJsonValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return clip(JSON.stringify(value));
}
