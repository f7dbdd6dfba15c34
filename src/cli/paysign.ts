// Declarations: wxpay paysign (client-side pay parameters for a prepay_id).
import type { Command } from '@commander-js/extra-typings';
import type { Runtime } from '../runtime.js';
import { lazy, type OptionsOf } from './lazy.js';

const declarePaysign = (program: Command) =>
  program
    .command('paysign')
    .description('client-side pay parameters for a prepay_id (JSAPI / mini-program, or APP)')
    .argument('<kind>', 'jsapi or app')
    .requiredOption('--prepay-id <id>', 'prepay_id from a prepay call')
    .option('--appid <id>', "AppID (default: the profile's appid)")
    .option('--timestamp <s>', 'Unix seconds (default: now)')
    .option('--nonce <s>', 'nonce (default: 32 random hex)');

export type PaysignOptions = OptionsOf<typeof declarePaysign>;

export function registerPaysign(program: Command, rt: Runtime): void {
  declarePaysign(program)
    .addHelpText('after', '\nExample:\n  wxpay paysign jsapi --prepay-id wx201410272009395522657a690389285100')
    .action(lazy(rt, () => import('../commands/paysign.js')));
}
