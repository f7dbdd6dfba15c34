// Declarations: wxpay help. Our own `help`: commander's knows only commands, and `wxpay help exit-codes` is a topic.
import type { Command } from '@commander-js/extra-typings';
import type { Runtime } from '../runtime.js';
import { lazy } from './lazy.js';

export function registerHelp(program: Command, rt: Runtime): void {
  program
    .helpCommand(false)
    .command('help')
    .description('help for a command, or a topic: exit-codes (the exit-code table)')
    .argument('[command-or-topic...]', 'e.g. "refund create" or "exit-codes"')
    .addHelpText('after', '\nExamples:\n  wxpay help refund create\n  wxpay help exit-codes')
    .action(lazy(rt, () => import('../commands/help.js')));
}
