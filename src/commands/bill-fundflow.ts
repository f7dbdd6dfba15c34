// `wxpay bill fundflow --date D [--account BASIC|OPERATION|FEES]`: the fund-flow bill of one day and account
// (docs/protocol.md §5), applied for, downloaded, SHA1-checked and converted by bill-run.ts.
import type { CommandContext } from '../runtime.js';
import type { FundflowBillOptions } from '../cli/bill.js';
import { runBill } from '../command-kit/bill-run.js';

export async function run(ctx: CommandContext<FundflowBillOptions>): Promise<void> {
  await runBill(ctx, 'fundflow');
}
