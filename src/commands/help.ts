// `wxpay help [command…]` and `wxpay help exit-codes`. Replaces commander's built-in help command, which knows
// only commands: a topic is printed here, anything else is the named command's own --help.
import type { CommandUnknownOpts as Command } from '@commander-js/extra-typings';
import { EXIT_MEANINGS, WxpayError } from '../protocol/errors.js';
import type { CommandContext } from '../runtime.js';
import { outputFor } from '../command-kit/shared.js';

export const HELP_TOPICS = ['exit-codes'] as const;

function printExitCodes(ctx: CommandContext): void {
  const out = outputFor(ctx);
  const rows = Object.entries(EXIT_MEANINGS).map(([code, meaning]) => ({ code: Number(code), meaning }));
  if (out.json) return out.data({ exitCodes: rows });
  out.line('Exit codes of wxpay (with --json, errors are {"error":{"code","message","hint","exitCode"}} on stderr):');
  for (const r of rows) out.line(`  ${r.code}  ${r.meaning}`);
}

export async function run(ctx: CommandContext): Promise<void> {
  const words = (ctx.args[0] as string[] | undefined) ?? [];
  if (words.length === 1 && words[0] === 'exit-codes') return printExitCodes(ctx);
  let cmd: Command = ctx.command!.parent!;
  for (const w of words) {
    const sub = cmd.commands.find((c) => c.name() === w || c.aliases().includes(w));
    if (!sub) {
      throw new WxpayError('USAGE', `No command or help topic "${words.join(' ')}"`, {
        hint: `Topics: ${HELP_TOPICS.join(', ')}. Commands: run "wxpay --help" for the list.`,
      });
    }
    cmd = sub;
  }
  // Prints the help and ends through commander's help exit (exit 0), as `<command> --help` does.
  cmd.help();
}
