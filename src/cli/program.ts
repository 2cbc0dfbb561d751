import { Command } from 'commander';
import { runPolicyCheck } from './policy-check-command.js';
import { runPolicyLintFile } from './policy-lint-command.js';

const collect = (value: string, previous: string[]) => [...previous, value];

function finish(outcome: { exitCode: number; output: string }): void {
  process.stdout.write(outcome.output);
  process.exitCode = outcome.exitCode;
}

export function buildProgram(): Command {
  const program = new Command('keyfence')
    .description('Decides where API AccessKeys may be used from (Alibaba-compatible network ACLs).')
    .showHelpAfterError()
    // Bad usage is bad input: exit 1, like every other refusal, never a decision's exit code.
    .exitOverride((e) => {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') process.exit(0);
      process.exit(1);
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
      'decide one call from one source under the given policies; exit 0 allowed, 3 denied, 1 bad input',
    )
    .requiredOption('--ip <address>', 'the source address of the call')
    .option('--account-policy <file>', 'the account-level AccessKeyPolicy')
    .option('--key-policy <file>', 'the AccessKey-level AccessKeyPolicy')
    .option('--vpc-id <vpc>', 'the VPC the call comes from (omit for the public network)')
    .option('--temporary', 'the call is signed with temporary STS credentials')
    .option('--service <name>', 'the service code being called', 'ims')
    .option('--exempt-service <name>', 'a service code exempt from network ACLs (repeatable)', collect, [])
    .action(async (options) => {
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

  return program;
}
