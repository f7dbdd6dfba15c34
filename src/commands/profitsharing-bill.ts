// `wxpay profitsharing bill --date D`: the profit-sharing bill of one day (docs/protocol.md §15), applied for,
// downloaded, SHA1-checked and converted like the trade and fund-flow bills (command-kit/bill-run.ts).
import { runBill } from '../command-kit/bill-run.js';
import type { CommandContext } from '../runtime.js';
import type { ProfitsharingBillOptions } from '../cli/profitsharing.js';

export async function run(ctx: CommandContext<ProfitsharingBillOptions>): Promise<void> {
  await runBill(ctx, 'profitsharing');
}
