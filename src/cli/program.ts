import { Command, Option } from 'commander';
import { CONFIG_DEFAULTS } from '../config/config-defaults.js';
import { runAccessCheck } from './access-check-command.js';
import { DEFAULT_SOURCES_LIMIT, runAuditSources } from './audit-sources-command.js';
import { runSetRootPassword } from './console-set-root-password-command.js';
import { type CommandResult, DEFAULT_DATA_DIR, runInit } from './init-command.js';
import { type CandidateOperation, runPolicyCandidate } from './policy-candidate-command.js';
import { runPolicyCheck } from './policy-check-command.js';
import { runPolicyLintFile } from './policy-lint-command.js';
import { runPolicyRecommend } from './policy-recommend-command.js';
import { runPolicySimulate } from './policy-simulate-command.js';
import { runPolicyUsage } from './policy-usage-command.js';
import { runResetLogonMask } from './security-reset-logon-mask-command.js';
import { runServe } from './serve-command.js';
import { runStatus } from './status-command.js';

const collect = (value: string, previous: string[]) => [...previous, value];

function finish(outcome: { exitCode: number; output: string }): void {
  process.stdout.write(outcome.output);
  process.exitCode = outcome.exitCode;
}

function write(result: CommandResult): void {
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.exitCode;
}

/** Where a command that asks a server finds its credentials (api-call.ts reads them). */
const CREDENTIALS_FROM =
  'credentials from ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIBABA_CLOUD_SECURITY_TOKEN';

/** The `--endpoint` of a command that only asks a server. */
const endpointOption = () =>
  new Option('--endpoint <url>', `the KeyFence server (${CREDENTIALS_FROM})`).makeOptionMandatory();

export function buildProgram(): Command {
  const program = new Command('keyfence')
    .description('Decides where API AccessKeys may be used from (Alibaba-compatible network ACLs).')
    .showHelpAfterError()
    // Bad usage is bad input: exit 1, like every other refusal, never a decision's exit code.
    .exitOverride((e) => {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') process.exit(0);
      process.exit(1);
    });

  program
    .command('init')
    .description('create the store and a first account; print its root AccessKey as JSON (once)')
    .option('--data <dir>', 'data directory (SQLite database and master key)', DEFAULT_DATA_DIR)
    .option('--database-url <url>', 'use this PostgreSQL database instead of SQLite')
    .action(async (options) => {
      const result = await runInit({ data: options.data, databaseUrl: options.databaseUrl });
      write(result);
    });

  // No defaults on these flags: an absent flag lets the environment and the configuration file
  // decide (docs/configuration.md), and the defaults apply only when none of them says anything.
  program
    .command('serve')
    .description('serve the Alibaba-compatible API; a first start on an empty data directory initialises it')
    .option('--config <file>', 'configuration file, YAML or JSON (env KEYFENCE_CONFIG)')
    .option(
      '--data <dir>',
      `data directory: SQLite database and master key (default ${CONFIG_DEFAULTS.dataDir})`,
    )
    .option('--database-url <url>', 'use this PostgreSQL database instead of SQLite')
    .option(
      '--listen <host:port>',
      `address of the API listener ([::1]:8080 for IPv6; port 0 picks one) (default ${CONFIG_DEFAULTS.listen})`,
    )
    .option(
      '--tls-cert <file>',
      'serve the --listen listener over HTTPS with this PEM certificate (with --tls-key)',
    )
    .option('--tls-key <file>', 'the PEM private key of --tls-cert')
    .option('--node-id <id>', "this node's name in the node status table (default <hostname>-<port>)")
    .option(
      '--trusted-proxy <cidr>',
      'a proxy whose X-Forwarded-For is believed (repeatable; replaces the file and env list)',
      collect,
      [],
    )
    .option(
      '--exempt-service <name>',
      'a service code exempt from network ACLs (repeatable; replaces the file list)',
      collect,
      [],
    )
    .action(async (options) => {
      process.exitCode = await runServe({
        config: options.config,
        data: options.data,
        databaseUrl: options.databaseUrl,
        listen: options.listen,
        tlsCert: options.tlsCert,
        tlsKey: options.tlsKey,
        nodeId: options.nodeId,
        trustedProxy: options.trustedProxy,
        exemptService: options.exemptService,
      });
    });

  program
    .command('status')
    .description(
      'which nodes enforce a policy version; exit 0 when every running node does, 3 when some lag, 4 when no node runs, 1 on error',
    )
    .option('--data <dir>', 'data directory (SQLite database)', DEFAULT_DATA_DIR)
    .option('--database-url <url>', 'use this PostgreSQL database instead of SQLite')
    .option('--version <n>', 'the change-log version (a PolicyVersion receipt); default the last committed')
    .option('--json', 'print one JSON object')
    .action(async (options) => {
      const result = await runStatus({
        data: options.data,
        databaseUrl: options.databaseUrl,
        version: options.version,
        json: options.json,
      });
      write(result);
    });

  const policy = program
    .command('policy')
    .description('validate, lint and try out AccessKeyPolicy documents');

  policy
    .command('lint')
    .description('validate a policy document and explain its problems; exit 0 if valid, 1 if not')
    .argument('<file>', 'the AccessKeyPolicy JSON document')
    .action(async (file: string) => finish(await runPolicyLintFile(file)));

  policy
    .command('check')
    .description(
      'decide one call from one source: offline under the given policies, or with --endpoint as a ' +
        'KeyFence server enforces it now; exit 0 allowed, 3 denied, 1 bad input',
    )
    .option('--ip <address>', 'the source address of the call')
    .option('--account-policy <file>', 'the account-level AccessKeyPolicy (offline)')
    .option('--key-policy <file>', 'the AccessKey-level AccessKeyPolicy (offline)')
    .option('--vpc-id <vpc>', 'the VPC the call comes from (omit for the public network)')
    .option('--temporary', 'the call is signed with temporary STS credentials (offline)')
    .option('--service <name>', 'the service code being called', 'ims')
    .option(
      '--exempt-service <name>',
      'a service code exempt from network ACLs (repeatable; offline)',
      collect,
      [],
    )
    .option('--endpoint <url>', `ask this KeyFence server (${CREDENTIALS_FROM})`)
    .option('--key <id>', 'with --endpoint: the AccessKey to check, from --ip')
    .option('--request-id <id>', 'with --endpoint: the past call to check, as its audit event recorded it')
    .option('--json', 'with --endpoint: print the server’s answer as JSON')
    .action(async (options, command: Command) => {
      if (options.endpoint !== undefined || options.key !== undefined || options.requestId !== undefined) {
        const offlineOnly = ['accountPolicy', 'keyPolicy', 'temporary'].find(
          (name) => options[name] !== undefined,
        );
        if (offlineOnly !== undefined || options.exemptService.length > 0) {
          command.error(
            'error: --account-policy, --key-policy, --temporary and --exempt-service are for offline checks, not with --endpoint',
          );
        }
        const result = await runAccessCheck({
          endpoint: options.endpoint,
          key: options.key,
          ip: options.ip,
          vpcId: options.vpcId,
          // The server decides under no service unless one is named.
          service: command.getOptionValueSource('service') === 'default' ? undefined : options.service,
          requestId: options.requestId,
          json: options.json,
          env: process.env,
        });
        process.stdout.write(result.stdout);
        process.stderr.write(result.stderr);
        process.exitCode = result.exitCode;
        return;
      }
      if (options.ip === undefined) command.error("error: required option '--ip <address>' not specified");
      finish(
        await runPolicyCheck({
          ip: options.ip,
          accountPolicy: options.accountPolicy,
          keyPolicy: options.keyPolicy,
          vpcId: options.vpcId,
          temporary: options.temporary,
          service: options.service,
          exemptServices: options.exemptService,
        }),
      );
    });

  policy
    .command('recommend')
    .description(
      'draft an AccessKeyPolicy from where a key, or the keys the account’s policy governs, were used, as a KeyFence server’s audit data says; never applied; exit 0, or 1 on error',
    )
    .addOption(endpointOption())
    .option('--key <id>', 'one AccessKey of the account; default: every key the account-level policy governs')
    .option('--days <n>', 'the last n days (default 30)')
    .option('--start <time>', 'window start instead, e.g. 2026-12-01T00:00:00Z')
    .option('--end <time>', 'window end (default now)')
    .option('--coverage <percent>', 'the share of allowed calls to let in, 1-100 (default 100)')
    .option('--min-calls <n>', 'leave out sources with fewer allowed calls (default 1)')
    .option('--json', 'print the server’s answer as JSON')
    .action(async (options) => {
      const result = await runPolicyRecommend({ ...options, env: process.env });
      write(result);
    });

  policy
    .command('simulate')
    .description(
      'what a candidate policy would newly deny and newly allow over a window of a KeyFence server’s audit data; exit 0 whatever the impact, 1 on error',
    )
    .addOption(endpointOption())
    .requiredOption('--file <file>', 'the candidate AccessKeyPolicy JSON document')
    .option('--key <id>', 'the candidate is this AccessKey’s policy (default: the account-level policy)')
    .option('--days <n>', 'the window: the last n days (default 30)')
    .option('--start <time>', 'window start, a time like 2026-12-01T00:00:00Z')
    .option('--end <time>', 'window end, the same way; default now')
    .option('--json', 'print the server’s answer as JSON')
    .action(async (options) => {
      const result = await runPolicySimulate({ ...options, env: process.env });
      write(result);
    });

  policy
    .command('candidate')
    .description(
      'a report-only candidate policy on a KeyFence server: set (stage, from --file), get, delete, promote (enforce it); exit 0, or 1 on error',
    )
    .argument('<operation>', 'set, get, delete or promote')
    .addOption(endpointOption())
    .option('--key <id>', 'one permanent AccessKey of the account; default: the account-level candidate')
    .option('--file <file>', 'set: the candidate AccessKeyPolicy JSON document')
    .option('--expected-version <n>', 'promote: only if the enforced policy is still at this PolicyVersion')
    .option('--ignore-lockout-check', 'promote: even if the policy would deny this very call')
    .option('--json', 'print the server’s answer as JSON')
    .action(async (operation: string, options, command: Command) => {
      if (!['set', 'get', 'delete', 'promote'].includes(operation)) {
        command.error(
          `error: the operation must be set, get, delete or promote, not ${JSON.stringify(operation)}`,
        );
      }
      const result = await runPolicyCandidate({
        operation: operation as CandidateOperation,
        ...options,
        env: process.env,
      });
      write(result);
    });

  policy
    .command('usage')
    .description(
      'per entry of the account’s (or a key’s) policy, the allowed calls it let in over a window of a KeyFence server’s audit data; unused entries flagged; exit 0, or 1 on error',
    )
    .addOption(endpointOption())
    .option('--key <id>', 'this AccessKey’s policy (default: the account-level policy)')
    .option('--days <n>', 'the last n days (default: the whole retention)')
    .option('--start <time>', 'window start instead, e.g. 2026-12-01T00:00:00Z')
    .option('--end <time>', 'window end (default now)')
    .option('--json', 'print the server’s answer as JSON')
    .action(async (options) => {
      const result = await runPolicyUsage({ ...options, env: process.env });
      write(result);
    });

  const audit = program.command('audit').description('what the audit log says about AccessKeys');

  audit
    .command('sources')
    .description(
      'where a key, a RAM user’s keys or the whole account were used from, as a KeyFence server’s audit log says; exit 0, or 1 on error',
    )
    .addOption(endpointOption())
    .option('--key <id>', 'one AccessKey of the account')
    .option('--user <upn>', 'the keys of this RAM user (its UserPrincipalName, name@account.onaliyun.com)')
    .option(
      '--since <time>',
      'window start: a time (2026-12-01T00:00:00Z) or a duration before now (7d, 36h); default 30d',
    )
    .option('--until <time>', 'window end, the same way; default now')
    .option('--sort <order>', 'calls (most first) or last-seen (most recent first)', 'calls')
    .option('--limit <n>', 'at most this many sources, across pages', String(DEFAULT_SOURCES_LIMIT))
    .option('--json', 'print every source as JSON')
    .action(async (options) => {
      const result = await runAuditSources({ ...options, env: process.env });
      write(result);
    });

  const consoleCommand = program.command('console').description('the web console, from the host');

  consoleCommand
    .command('set-root-password')
    .description(
      "set an account's root console password, read from standard input, straight in the store; ends root's console sessions",
    )
    .option('--data <dir>', 'data directory (SQLite database)', DEFAULT_DATA_DIR)
    .option('--database-url <url>', 'use this PostgreSQL database instead of SQLite')
    .option('--account <id>', 'the account (default: the only one in the store)')
    .action(async (options) => {
      if (process.stdin.isTTY) process.stderr.write('Type the new password, then a line break and Ctrl-D:\n');
      const result = await runSetRootPassword({
        data: options.data,
        databaseUrl: options.databaseUrl,
        account: options.account,
        input: await readStdin(),
      });
      write(result);
    });

  const security = program.command('security').description("an account's security preference, from the host");

  security
    .command('reset-logon-mask')
    .description(
      "clear an account's console logon mask straight in the store (any network may sign in again)",
    )
    .option('--data <dir>', 'data directory (SQLite database)', DEFAULT_DATA_DIR)
    .option('--database-url <url>', 'use this PostgreSQL database instead of SQLite')
    .requiredOption('--account <id>', 'the account')
    .action(async (options) => {
      const result = await runResetLogonMask({
        data: options.data,
        databaseUrl: options.databaseUrl,
        account: options.account,
      });
      write(result);
    });

  return program;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
