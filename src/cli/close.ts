// Declarations: wxpay close; with --from <file.csv> it runs as a batch (cli/batch-flags.ts).
import type { Command } from '@commander-js/extra-typings';
import type { Runtime } from '../runtime.js';
import { ex, type OptionsOf } from './lazy.js';
import { addBatchOptions, batchable } from './batch-flags.js';

const declareClose = (program: Command) =>
  program
    .command('close')
    .description('close an unpaid order')
    .argument('[out_trade_no]', 'your order number')
    .option('--combine <combine_out_trade_no>', 'close a combine order (合单): every sub-order at once')
    .option('--sub-mchid <id>', 'partner mode: the sub-merchant')
    .option('--dry-run', 'print the request and the message to sign, unsigned, without sending it');

export type CloseOptions = OptionsOf<typeof declareClose>;

export function registerClose(program: Command, rt: Runtime): void {
  declareClose(program)
    .addHelpText('after', ex('  wxpay close ORDER20260101001'))
    .action(batchable(rt, 'close', () => import('../commands/close.js')));
  addBatchOptions(program, ['close']);
}
