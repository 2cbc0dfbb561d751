import {
  indexPath,
  itemPath,
  keyPath,
  type Problems,
  readArray,
  readObject,
  readString,
  type Setting,
  shown,
} from './config-values.js';
import type { ExemptService } from './keyfence-config.js';
import { isServiceCode } from './service-code.js';

const PATH_PREFIX = /^\/[^\s?#]*$/;

/**
 * `exemptServices` (file: service codes or `{service, pathPrefixes}`; `--exempt-service`: codes).
 * Codes are taken in lower case; a service listed twice is refused, since two entries with
 * different prefixes would read as one narrowing the other.
 */
export function readExemptServices(
  setting: Setting | undefined,
  problems: Problems,
): readonly ExemptService[] {
  if (setting === undefined) return [];
  const list = readArray(setting.value, setting.path, problems) ?? [];
  const services: ExemptService[] = [];
  list.forEach((value, i) => {
    const path = itemPath(setting, i);
    const entry =
      typeof value === 'object' && value !== null
        ? readEntry(value, path, problems)
        : readCode(value, path, problems);
    if (entry === undefined) return;
    if (services.some((other) => other.service === entry.service)) {
      problems.invalid(path, `${entry.service} is listed more than once`);
      return;
    }
    services.push(entry);
  });
  return services;
}

function readCode(value: unknown, path: string, problems: Problems): ExemptService | undefined {
  const text = readString(value, path, problems);
  if (text === undefined) return undefined;
  const service = text.toLowerCase();
  if (!isServiceCode(service))
    return problems.invalid(path, `${shown(text)} is not a service code such as ims or sts`);
  return { service, pathPrefixes: [] };
}

function readEntry(value: object, path: string, problems: Problems): ExemptService | undefined {
  const object = readObject(value, path, ['service', 'pathPrefixes'], problems);
  if (object === undefined) return undefined;
  const servicePath = keyPath(path, 'service');
  const code =
    object.service === undefined
      ? problems.add('Config.Missing', servicePath, 'the service code is required')
      : readCode(object.service, servicePath, problems);
  const prefixesPath = keyPath(path, 'pathPrefixes');
  const prefixes =
    object.pathPrefixes === undefined ? [] : readArray(object.pathPrefixes, prefixesPath, problems);
  if (prefixes === undefined) return undefined;
  const pathPrefixes: string[] = [];
  prefixes.forEach((prefix, k) => {
    const at = indexPath(prefixesPath, k);
    const text = readString(prefix, at, problems);
    if (text === undefined) return;
    if (PATH_PREFIX.test(text)) pathPrefixes.push(text);
    else
      problems.invalid(at, `${shown(text)} is not a path prefix: it starts with / and has no spaces, ? or #`);
  });
  if (code === undefined || pathPrefixes.length !== prefixes.length) return undefined;
  return { service: code.service, pathPrefixes };
}
