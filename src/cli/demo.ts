// Declarations: wxpay demo (the whole flow in one process).
import type { Command } from '@commander-js/extra-typings';
import type { Runtime } from '../runtime.js';
import { lazy, type OptionsOf } from './lazy.js';

const declareDemo = (program: Command) =>
  program
    .command('demo')
    .description(
      'the whole flow in one process: keys, sandbox, webhook listener, prepay, pay, notification, query, refund, config check',
    )
    .option('--keep <dir>', 'use and keep this folder (keys, rc file, webhook journal) instead of a temp folder')
    .option('--mode <mode>', 'pubkey | cert | mixed: the WeChat Pay key mode of the demo profile', 'pubkey');
export type DemoOptions = OptionsOf<typeof declareDemo>;

export function registerDemo(program: Command, rt: Runtime): void {
  declareDemo(program)
    .addHelpText(
      'after',
      '\nExit 0 only if all eleven steps passed. The QR code is drawn on a terminal only.\nExample:\n  wxpay demo --keep ./demo',
    )
    .action(lazy(rt, () => import('../commands/demo.js')));
}
