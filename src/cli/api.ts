// Declarations: wxpay api (any v3 endpoint, signed and verified).
import type { Command } from '@commander-js/extra-typings';
import type { Runtime } from '../runtime.js';
import { collect, ex, lazy, type OptionsOf } from './lazy.js';

const declareApi = (program: Command) =>
  program
    .command('api')
    .description('call any v3 endpoint, signed and verified; prints the raw JSON response')
    .argument('<method>', 'GET, POST, PUT, PATCH or DELETE')
    .argument('<path>', 'path starting with /v3/ (the host comes from the profile)')
    .option('--data <json>', 'request body (sent byte for byte as given)')
    .option('--data-file <file>', 'read the body from a file; "-" reads stdin')
    .option('--query <k=v>', 'query parameter (repeatable)', collect)
    .option('--idempotent', 'the body carries an idempotency key: allow retries of this write')
    .option('--dry-run', 'print the request and the message to sign, unsigned, without sending it');

export type ApiOptions = OptionsOf<typeof declareApi>;

export function registerApi(program: Command, rt: Runtime): void {
  declareApi(program)
    .addHelpText(
      'after',
      ex(
        '  wxpay api GET /v3/pay/transactions/out-trade-no/ORDER20260101001 --query mchid=1900007291\n  wxpay api POST /v3/refund/domestic/refunds --data-file refund.json',
      ),
    )
    .action(lazy(rt, () => import('../commands/api.js')));
}
