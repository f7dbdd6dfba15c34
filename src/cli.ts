// The commander program: names, flags and help only. cli/X.ts declares `wxpay X …`; every action
// lazy-imports its module from src/commands, so start-up stays fast. runProgram runs it once and maps errors to
// exit codes.
import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Runtime } from './runtime.js';
import { VERSION } from './version.js';
import { registerSign } from './cli/sign.js';
import { registerPaysign } from './cli/paysign.js';
import { registerConfig } from './cli/config.js';
import { registerSandbox } from './cli/sandbox.js';
import { registerPrepay } from './cli/prepay.js';
import { registerQuery } from './cli/query.js';
import { registerPay } from './cli/pay.js';
import { registerClose } from './cli/close.js';
import { registerRefund } from './cli/refund.js';
import { registerProfitsharing } from './cli/profitsharing.js';
import { registerCerts } from './cli/certs.js';
import { registerApi } from './cli/api.js';
import { registerNotify } from './cli/notify.js';
import { registerWebhook } from './cli/webhook.js';
import { registerBill } from './cli/bill.js';
import { registerComplaint } from './cli/complaint.js';
import { registerMedia } from './cli/media.js';
import { registerCompletion } from './cli/completion.js';
import { registerDemo } from './cli/demo.js';
import { registerSmoke } from './cli/smoke.js';
import { registerHelp } from './cli/help.js';
import { registerTransfer } from './cli/transfer.js';
import { registerFixtures } from './cli/fixtures.js';

export { VERSION };

const isHelpOrVersion = (err: unknown): boolean =>
  ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(
    (err as { code?: unknown } | null)?.code as string,
  );

/**
 * One run of the CLI: parse `argv` (node's shape: [node, script, ...args]), run the command, and map whatever it
 * threw to its exit code and printed report. main.ts calls it with the process's Runtime; the test suite calls it
 * with its own, so most end-to-end cases run in-process through exactly this path (test/helpers/cli.ts).
 */
export async function runProgram(rt: Runtime, argv: readonly string[]): Promise<number> {
  const program = buildProgram(rt, argv);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    // --help and --version end in a CommanderError too; answer them without loading the error reporter,
    // render and chalk, which would cost a third of the cold start (bench/cold-start.mjs).
    if (isHelpOrVersion(err)) return 0;
    const { reportError } = await import('./report-error.js');
    return reportError(
      err,
      rt,
      argv.includes('--json'),
      argv.includes('--verbose'),
      argv.includes('--no-color') ? false : undefined,
    );
  }
}

/**
 * The program, with every command declared; given `argv`, only the top-level command it runs (when that is one
 * word of COMMANDS other than help/completion, which walk the whole tree): declaring them all is a large part of
 * the cold start (BENCHMARKS.md), and a run never looks at another command's declaration.
 */
export function buildProgram(rt: Runtime, argv?: readonly string[]): Command {
  const program = new Command('wxpay')
    .description('WeChat Pay API v3 toolkit: sign, verify, decrypt, a local sandbox, operator commands, webhooks')
    .version(VERSION, '-V, --version')
    .option('--profile <name>', 'profile in the rc file (env WXPAY_PROFILE)')
    .option('--config <file>', 'rc file to use instead of searching (env WXPAY_CONFIG)')
    .option('--base-url <url>', 'API base URL (env WXPAY_BASE_URL), e.g. a sandbox')
    .option('--json', 'machine-readable output: one JSON document on stdout, errors as JSON on stderr')
    .addOption(new Option('--no-color', 'no ANSI colours (also NO_COLOR; FORCE_COLOR=1 forces them without a TTY)'))
    .option('--verbose', 'show requests and responses, with secrets redacted')
    // Set before the commands are declared, so each inherits it: `wxpay query --help` lists --profile, --json…
    .configureHelp({ showGlobalOptions: true });
  settle(program, rt);
  const word = argv && commandWord(program, argv);
  const only = word !== undefined && COMMANDS.some(([name]) => name === word) ? word : undefined;
  // `help` always: it also turns off commander's implicit help command.
  for (const [name, register] of COMMANDS) if (!only || name === only || name === 'help') register(program, rt);
  // Sub-commands inherit exitOverride and output settings only when set on each of them.
  const propagate = (cmd: CommandUnknownOpts) => {
    for (const sub of cmd.commands) {
      settle(sub, rt);
      propagate(sub);
    }
  };
  propagate(program);
  return program;
}

/**
 * The top-level help exactly as `wxpay --help` prints it, for the given width and colour decision (commander's own
 * defaults would read process.stdout): bin/wxpay's loader keeps it and prints it on the next such run without
 * loading commander (src/quick-help.ts). Declarations never read the Runtime, so one that only collects stdout serves.
 */
export function programHelp(width: number | undefined, colors: boolean): string {
  let text = '';
  const rt = { stdout: { write: (s: string) => (text += s) } } as unknown as Runtime;
  buildProgram(rt)
    // undefined, as commander's own default returns off a TTY, means its 80 columns (the typing says number).
    .configureOutput({ getOutHelpWidth: () => width as number, getOutHasColors: () => colors })
    .outputHelp();
  return text;
}

type Register = (program: Command, rt: Runtime) => void;

/** Every top-level command word and its declarations, in `wxpay --help` order. */
const COMMANDS: ReadonlyArray<readonly [string, Register]> = [
  ['sign', registerSign],
  ['paysign', registerPaysign],
  ['config', registerConfig],
  ['sandbox', registerSandbox],
  ['prepay', registerPrepay],
  ['query', registerQuery],
  ['pay', registerPay],
  ['close', registerClose],
  ['refund', registerRefund],
  ['profitsharing', registerProfitsharing],
  ['certs', registerCerts],
  ['api', registerApi],
  ['notify', registerNotify],
  ['webhook', registerWebhook],
  ['bill', registerBill],
  ['transfer', registerTransfer],
  ['fixtures', registerFixtures],
  ['complaint', registerComplaint],
  ['media', registerMedia],
  ['completion', registerCompletion],
  ['demo', registerDemo],
  ['smoke', registerSmoke],
  ['help', registerHelp],
];

/** Words that need every command declared: they list or walk the whole tree. */
const WHOLE_TREE = new Set(['help', 'completion']);

/**
 * The command word of `argv` (node's shape): its first operand, skipping the global options and the values of those
 * that take one (read from the program, so a new global option is skipped without a change here).
 */
function commandWord(program: Command, argv: readonly string[]): string | undefined {
  const withValue = new Set(program.options.filter((o) => o.required || o.optional).map((o) => o.long));
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return undefined;
    if (withValue.has(arg)) i++;
    else if (!arg.startsWith('-')) return WHOLE_TREE.has(arg) ? undefined : arg;
  }
  return undefined;
}

/** `wxpay refund create`'s path, "refund create", for the hint of a usage error. */
function commandPath(cmd: CommandUnknownOpts): string {
  const names: string[] = [];
  for (let c: CommandUnknownOpts = cmd; c.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Commander prints nothing of its errors: they are thrown (with the command they belong to) to main.ts, whose
 * reporter prints them like every other error, `✖ USAGE: …` and one hint (or the --json document).
 */
function settle(cmd: CommandUnknownOpts, rt: Runtime): void {
  cmd
    .exitOverride((err) => {
      throw Object.assign(err, { commandPath: commandPath(cmd) });
    })
    .configureOutput({
      writeOut: (s) => void rt.stdout.write(s),
      writeErr: (s) => void rt.stderr.write(s),
      outputError: () => undefined,
    });
}
