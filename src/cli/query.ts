// Declarations: wxpay query; with --from <file.csv> it runs as a batch (cli/batch-flags.ts).
import type { Command } from '@commander-js/extra-typings';
import type { Runtime } from '../runtime.js';
import { ex, type OptionsOf } from './lazy.js';
import { addBatchOptions, batchable } from './batch-flags.js';

const declareQuery = (program: Command) =>
  program
    .command('query')
    .description("an order's state, amount, payer and time (the whole object with --json)")
    .argument('[out_trade_no]', 'your order number')
    .option('--transaction-id <id>', "query by WeChat Pay's transaction_id instead")
    .option('--combine <combine_out_trade_no>', 'query a combine order (合单) and all its sub-orders')
    .option('--sub-mchid <id>', 'partner mode: the sub-merchant');

export type QueryOptions = OptionsOf<typeof declareQuery>;

export function registerQuery(program: Command, rt: Runtime): void {
  declareQuery(program)
    .addHelpText(
      'after',
      ex('  wxpay query ORDER20260101001\n  wxpay query --transaction-id 4200000000000000000000000000 --json'),
    )
    .action(batchable(rt, 'query', () => import('../commands/query.js')));
  addBatchOptions(program, ['query']);
}
