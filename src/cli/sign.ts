// Declarations: wxpay sign (offline signing, --explain for a SIGN_ERROR).
import type { Command } from '@commander-js/extra-typings';
import type { Runtime } from '../runtime.js';
import { lazy, type OptionsOf } from './lazy.js';

const declareSign = (program: Command) =>
  program
    .command('sign')
    .description('sign a request offline and show exactly what is signed')
    .argument('<method>', 'HTTP method, e.g. GET or POST')
    .argument('<url>', 'path plus query, or an absolute URL; signed verbatim')
    .option('--body <text>', 'request body (exact bytes)')
    .option('--body-file <path>', 'read the body from a file; "-" reads stdin')
    .option('--timestamp <s>', 'Unix seconds (default: now)')
    .option('--nonce <s>', 'nonce (default: 32 random hex)')
    .option('--explain <file>', 'compare with a SIGN_ERROR response body from WeChat Pay ("-" for stdin)');

export type SignOptions = OptionsOf<typeof declareSign>;

export function registerSign(program: Command, rt: Runtime): void {
  declareSign(program)
    .addHelpText(
      'after',
      '\nExample:\n  wxpay sign GET "/v3/pay/transactions/out-trade-no/T1?mchid=1900007291"\n  wxpay sign POST /v3/pay/transactions/native --body-file order.json --explain sign-error.json',
    )
    .action(lazy(rt, () => import('../commands/sign.js')));
}
