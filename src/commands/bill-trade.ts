// `wxpay bill trade --date D [--type ALL|SUCCESS|REFUND]`: the trade bill of one day (docs/protocol.md §5), applied
// for, downloaded, SHA1-checked and converted by bill-run.ts.
import type { CommandContext } from '../runtime.js';
import type { TradeBillOptions } from '../cli/bill.js';
import { runBill } from '../command-kit/bill-run.js';

export async function run(ctx: CommandContext<TradeBillOptions>): Promise<void> {
  await runBill(ctx, 'trade');
}
