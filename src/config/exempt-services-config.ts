import { z } from 'zod';
import {
  check,
  itemOf,
  list,
  matching,
  type Problems,
  type Setting,
  section,
  shown,
  text,
} from './config-values.js';
import type { ExemptService } from './keyfence-config.js';
import { isServiceCode } from './service-code.js';

const PATH_PREFIX = /^\/[^\s?#]*$/;

const serviceCode = (missing?: string) =>
  text(missing)
    .refine((code) => isServiceCode(code.toLowerCase()), {
      error: (issue) => `${shown(issue.input)} is not a service code such as ims or sts`,
    })
    .transform((code) => code.toLowerCase());

const bare = serviceCode().transform((service): ExemptService => ({ service, pathPrefixes: [] }));

const entry = section({
  service: serviceCode('the service code is required'),
  pathPrefixes: list(
    matching(
      (prefix) => PATH_PREFIX.test(prefix),
      (prefix) => `${shown(prefix)} is not a path prefix: it starts with / and has no spaces, ? or #`,
    ),
  ).default([]),
});

/**
 * `exemptServices` (file: service codes or `{service, pathPrefixes}`; `--exempt-service`: codes).
 * Codes are taken in lower case; a service listed twice is refused, since two entries with
 * different prefixes would read as one narrowing the other. Each item is checked by hand as a
 * code or an entry by its type: a z.union that both fail reports neither one's problem.
 */
export function readExemptServices(
  setting: Setting | undefined,
  problems: Problems,
): readonly ExemptService[] {
  if (setting === undefined) return [];
  const services: ExemptService[] = [];
  check(list(z.unknown()), setting, problems)?.forEach((value, i) => {
    const at = itemOf(setting, i);
    const service = check(typeof value === 'object' && value !== null ? entry : bare, at, problems);
    if (service === undefined) return;
    if (services.some((other) => other.service === service.service))
      problems.invalid(at.path, `${service.service} is listed more than once`);
    else services.push(service);
  });
  return services;
}
