// The commander program: names, flags and help only. Each area file declares its commands; every action
// lazy-imports its module from src/commands, so start-up stays fast.
import { Command, Option } from 'commander';
import type { Runtime } from './runtime.js';
import { registerFoundation } from './cli/foundation.js';
import { registerSandbox } from './cli/sandbox.js';
import { registerClient } from './cli/client.js';
import { registerCallbacks } from './cli/callbacks.js';
import { registerBills } from './cli/bills.js';
import { registerFirstRun } from './cli/first-run.js';
import { lazy } from './cli/lazy.js';

export const VERSION = '0.1.0';

/** "unknown option '--apiv3-key=<value>'" must not print the value: it may be a secret (issue 9). */
export const hideOptionValue = (s: string): string => s.replace(/(unknown option '[^'=]*)=[^']*'/g, "$1=…'");

export function buildProgram(rt: Runtime): Command {
  const program = new Command('wxpay')
    .description('WeChat Pay API v3 toolkit: sign, verify, decrypt, a local sandbox, operator commands, webhooks')
    .version(VERSION, '-V, --version')
    .option('--profile <name>', 'profile in the rc file (env WXPAY_PROFILE)')
    .option('--config <file>', 'rc file to use instead of searching (env WXPAY_CONFIG)')
    .option('--base-url <url>', 'API base URL (env WXPAY_BASE_URL), e.g. a sandbox')
    .option('--json', 'machine-readable output: one JSON document on stdout, errors as JSON on stderr')
    .addOption(new Option('--no-color', 'no ANSI colours (also NO_COLOR)'))
    .option('--verbose', 'show requests and responses, with secrets redacted')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => void rt.stdout.write(s),
      writeErr: (s) => void rt.stderr.write(s),
      outputError: (s, write) => write(hideOptionValue(s)),
    })
    .exitOverride();
  registerFoundation(program, rt);
  registerSandbox(program, rt);
  registerClient(program, rt);
  registerCallbacks(program, rt);
  registerBills(program, rt);
  registerFirstRun(program, rt);
  // Our own `help`: commander's knows only commands, and `wxpay help exit-codes` is a topic.
  program
    .helpCommand(false)
    .command('help')
    .description('help for a command, or a topic: exit-codes (the exit-code table)')
    .argument('[command-or-topic...]', 'e.g. "refund create" or "exit-codes"')
    .addHelpText('after', '\nExamples:\n  wxpay help refund create\n  wxpay help exit-codes')
    .action(lazy(rt, () => import('./commands/help.js')));
  // Sub-commands inherit exitOverride and output settings only when set on each of them.
  const propagate = (cmd: Command) => {
    for (const sub of cmd.commands) {
      sub.exitOverride().configureOutput({ writeOut: (s) => void rt.stdout.write(s), writeErr: (s) => void rt.stderr.write(s), outputError: (s, write) => write(hideOptionValue(s)) });
      propagate(sub);
    }
  };
  propagate(program);
  return program;
}
