import { err, ok, type Result } from '../common/result.js';
import { PRODUCTS } from '../request/product.js';
import { type ApiReply, callApi, credentialsFrom, endpointUrl } from './api-call.js';
import type { CommandResult } from './init-command.js';

export type ApiParams = Readonly<Record<string, string>>;

/** What every command that asks a KeyFence server takes besides its own options. */
export interface RemoteOptions {
  readonly endpoint?: string | undefined;
  /** Print the server's answer as JSON instead of words. */
  readonly json?: boolean | undefined;
  /** Where the credentials are read from (the standard Alibaba variables). */
  readonly env: NodeJS.ProcessEnv;
}

/** One call of the server's KeyFence API: the answer, or (unreachable, refused) the command's result. */
export type AskServer = (
  action: string,
  params: ApiParams,
) => Promise<Result<Record<string, unknown>, CommandResult>>;

export interface RemoteCommand<Read> {
  /** How the command's refusals on stderr begin, e.g. `keyfence policy usage`. */
  readonly command: string;
  readonly options: RemoteOptions;
  /** The refusal when `--endpoint` is absent (commands where it is optional say what needs it). */
  readonly endpointRequired?: string;
  /**
   * The command's own options read and checked (a message naming the one at fault otherwise);
   * read after the endpoint and before the credentials, so a mistake is named the same way
   * whether the credentials are set or not.
   */
  readonly read: () => Read | string | Promise<Read | string>;
  readonly run: (ask: AskServer, read: Read) => Promise<CommandResult>;
}

export const printJson = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** Exit 1 with `command: message` on stderr, the way every `keyfence` command refuses. */
export function refusal(command: string, message: string): CommandResult {
  return { exitCode: 1, stdout: '', stderr: `${command}: ${message}\n` };
}

/**
 * A command that asks a KeyFence server: `--endpoint`, its options, the credentials, then `run`
 * with calls signed by them. A call the server refuses ends the command with exit 1: the
 * server's answer as is with `--json` (scripts read its Code), otherwise its code and message.
 */
export async function runRemoteCommand<Read>(spec: RemoteCommand<Read>): Promise<CommandResult> {
  const { command, options } = spec;
  const fail = (message: string) => refusal(command, message);
  if (options.endpoint === undefined) return fail(spec.endpointRequired ?? '--endpoint is required');
  const endpoint = endpointUrl(options.endpoint);
  if (typeof endpoint === 'string') return fail(endpoint);
  const read = await spec.read();
  if (typeof read === 'string') return fail(read);
  const credentials = credentialsFrom(options.env);
  if (typeof credentials === 'string') return fail(credentials);

  const ask: AskServer = async (action, params) => {
    let reply: ApiReply;
    try {
      reply = await callApi({ endpoint, credentials, action, version: PRODUCTS.Keyfence, params });
    } catch (error) {
      return err(fail(`${endpoint.origin}: ${error instanceof Error ? error.message : String(error)}`));
    }
    const { body } = reply;
    if (reply.status === 200) return ok(body);
    if (options.json) return err({ exitCode: 1, stdout: printJson(body), stderr: '' });
    const code = String(body.Code ?? `HTTP ${reply.status}`);
    return err(fail(`${code}: ${String(body.Message ?? '')} (RequestId ${String(body.RequestId ?? '-')})`));
  };
  return spec.run(ask, read);
}

export interface OneCallCommand extends Omit<RemoteCommand<ApiParams>, 'run'> {
  readonly action: string;
  /** The answer in words (stdout, lines ending in a newline), unless `--json`. */
  readonly report: (body: Record<string, unknown>) => string;
  /** The exit code of an answer; 0 unless said otherwise. */
  readonly exitCode?: (body: Record<string, unknown>) => number;
}

/** A remote command that is one call: its answer, as JSON or in words. */
export function runOneCallCommand(spec: OneCallCommand): Promise<CommandResult> {
  return runRemoteCommand({
    ...spec,
    run: async (ask, params) => {
      const answer = await ask(spec.action, params);
      if (!answer.ok) return answer.error;
      const body = answer.value;
      return {
        exitCode: spec.exitCode?.(body) ?? 0,
        stdout: spec.options.json ? printJson(body) : spec.report(body),
        stderr: '',
      };
    },
  });
}
