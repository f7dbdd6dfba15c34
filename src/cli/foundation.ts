// Declarations: sign, paysign, config show/check.
import { Command } from 'commander';
import type { Runtime } from '../runtime.js';
import { lazy } from './lazy.js';

export function registerFoundation(program: Command, rt: Runtime): void {
  program
    .command('sign')
    .description('sign a request offline and show exactly what is signed')
    .argument('<method>', 'HTTP method, e.g. GET or POST')
    .argument('<url>', 'path plus query, or an absolute URL; signed verbatim')
    .option('--body <text>', 'request body (exact bytes)')
    .option('--body-file <path>', 'read the body from a file; "-" reads stdin')
    .option('--timestamp <s>', 'Unix seconds (default: now)')
    .option('--nonce <s>', 'nonce (default: 32 random hex)')
    .option('--explain <file>', 'compare with a SIGN_ERROR response body from WeChat Pay ("-" for stdin)')
    .addHelpText('after', '\nExample:\n  wxpay sign GET "/v3/pay/transactions/out-trade-no/T1?mchid=1900007291"\n  wxpay sign POST /v3/pay/transactions/native --body-file order.json --explain sign-error.json')
    .action(lazy(rt, () => import('../commands/sign.js')));

  program
    .command('paysign')
    .description('client-side pay parameters for a prepay_id (JSAPI / mini-program, or APP)')
    .argument('<kind>', 'jsapi or app')
    .requiredOption('--prepay-id <id>', 'prepay_id from a prepay call')
    .option('--appid <id>', 'AppID (default: the profile\'s appid)')
    .option('--timestamp <s>', 'Unix seconds (default: now)')
    .option('--nonce <s>', 'nonce (default: 32 random hex)')
    .addHelpText('after', '\nExample:\n  wxpay paysign jsapi --prepay-id wx201410272009395522657a690389285100')
    .action(lazy(rt, () => import('../commands/paysign.js')));

  const config = program.command('config').description('show and check the merchant configuration');
  config
    .command('show')
    .description('the resolved profile, secrets redacted, with where each value came from')
    .addHelpText('after', '\nExample:\n  wxpay config show --profile prod')
    .action(lazy(rt, () => import('../commands/config-show.js')));
  config
    .command('profiles')
    .description('list the profile names in the rc file (used by shell completion)')
    .action(lazy(rt, () => import('../commands/config-profiles.js')));
  config
    .command('check')
    .description('the doctor: keys, certificate, serial, APIv3 key, key mode, notify URL (exit 3 on any fail)')
    .addHelpText('after', '\nExample:\n  wxpay config check --profile prod')
    .action(lazy(rt, () => import('../commands/config-check.js')));
}
