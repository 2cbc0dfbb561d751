/**
 * What an audit event may keep of a request (docs/audit.md, "Masking"). An event never holds a
 * secret, a signature or a SecurityToken: request parameters are left out unless they are on an
 * allowlist of names and plain settings, and the text the server or the client wrote (an error
 * message, the User-Agent) is cleaned of anything secret the request carried.
 */

/**
 * The request parameters an event keeps: names of users, keys, roles and policies, and plain
 * settings. Free text (comments, descriptions, display names, trust and network policies) is left
 * out because it may hold anything; a network policy's history is in the store's policy history.
 */
const SAFE_PARAMETERS: ReadonlySet<string> = new Set([
  'UserName',
  'NewUserName',
  'UserPrincipalName',
  'NewUserPrincipalName',
  'UserAccessKeyId',
  'RoleName',
  'RoleArn',
  'RoleSessionName',
  'PolicyName',
  'PolicyType',
  'Status',
  'DurationSeconds',
  'MaxSessionDuration',
  'StartTime',
  'EndTime',
  'Direction',
  'MaxResults',
]);

// No allowlisted parameter is legitimately longer (a role ARN is about 100 characters).
const MAX_PARAMETER_LENGTH = 256;

/**
 * Kept though longer: KeyFence's `EntryDescriptions` of the Set actions, so that a policy's
 * history in the audit log shows the descriptions each change set (docs/server.md). Its value is
 * the administrator's labels for entries, meant to be read by whoever may read the policy's
 * changes; 400 entries with the longest descriptions fit.
 */
const LONG_PARAMETERS: ReadonlyMap<string, number> = new Map([['EntryDescriptions', 160 * 1024]]);
const MAX_TEXT_LENGTH = 512;
const MASK = '***';

// Parameters whose values are credentials. Their values are cut out of any text an event keeps.
const secretName = /secret|password|token|signature|credential|private/i;
// Shorter values are too likely to occur by chance in an unrelated message to be worth masking.
const MIN_SECRET_LENGTH = 8;
// An STS SecurityToken wherever it appears (a V3 string to sign carries the x-acs-security-token
// header), whether or not the request's parameters were available to name it.
const securityTokenShape = /CAIS[0-9A-Za-z+/=_-]{16,}/g;
// Alibaba's SignatureDoesNotMatch message ends with the server's string to sign, which contains
// every parameter and signed header of the request, the SecurityToken among them.
const stringToSign = / server (?:StringToSign|string to sign)/i;

/** The values of a request's credential-like parameters: what no event may contain. */
export function secretsOf(params: Readonly<Record<string, string>>): readonly string[] {
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    if (secretName.test(name) && value.length >= MIN_SECRET_LENGTH) secrets.push(value);
  }
  // Longest first, so that a secret containing another is masked whole.
  return secrets.sort((a, b) => b.length - a.length);
}

/** `text` without any of `secrets` or anything shaped like a SecurityToken, at most 512 characters. */
export function maskText(text: string, secrets: readonly string[]): string {
  const masked = maskLongText(text, secrets);
  return masked.length > MAX_TEXT_LENGTH ? masked.slice(0, MAX_TEXT_LENGTH) : masked;
}

/** `text` without any of `secrets` or anything shaped like a SecurityToken, whatever its length. */
function maskLongText(text: string, secrets: readonly string[]): string {
  let masked = text;
  for (const secret of secrets) masked = masked.split(secret).join(MASK);
  return masked.replace(securityTokenShape, MASK);
}

/** An error message as an event keeps it: without the echoed string to sign, and masked. */
export function maskErrorMessage(message: string, secrets: readonly string[]): string {
  const echo = message.search(stringToSign);
  return maskText(echo < 0 ? message : message.slice(0, echo), secrets);
}

/** The allowlisted parameters of a request, masked; everything else is dropped. */
export function safeRequestParameters(
  params: Readonly<Record<string, string>>,
  secrets: readonly string[],
): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of Object.keys(params).sort()) {
    const value = params[name]!;
    if (SAFE_PARAMETERS.has(name) && value.length <= MAX_PARAMETER_LENGTH)
      kept[name] = maskText(value, secrets);
    else if (value.length <= (LONG_PARAMETERS.get(name) ?? -1)) kept[name] = maskLongText(value, secrets);
  }
  return kept;
}
