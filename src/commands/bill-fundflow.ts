// `wxpay bill fundflow --date D [--account BASIC|OPERATION|FEES]`: the fund-flow bill of one day and account
// (docs/protocol.md §5), applied for, downloaded, SHA1-checked and converted by bill-run.ts.
import type { CommandContext } from '../runtime.js';
import { runBill, type BillOptions } from '../command-kit/bill-run.js';

export async function run(ctx: CommandContext<BillOptions>): Promise<void> {
  await runBill(ctx, 'fundflow');
}
