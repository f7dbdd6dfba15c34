// Declarations: wxpay smoke (read-only CI checks).
import type { Command } from '@commander-js/extra-typings';
import type { Runtime } from '../runtime.js';
import { lazy, type OptionsOf } from './lazy.js';

const declareSmoke = (program: Command) =>
  program
    .command('smoke')
    .description(
      'read-only CI checks against the configured environment: config, clock skew, certificates, one signed request',
    )
    .option('--junit <file>', 'also write the result as JUnit XML');
export type SmokeOptions = OptionsOf<typeof declareSmoke>;

export function registerSmoke(program: Command, rt: Runtime): void {
  declareSmoke(program)
    .addHelpText(
      'after',
      '\nNothing that moves money is called: the signed request queries a random, nonexistent out_trade_no\nand expects ORDER_NOT_EXIST. Exit 0 unless a check failed.\nExample:\n  wxpay smoke --profile prod --junit reports/wxpay-smoke.xml',
    )
    .action(lazy(rt, () => import('../commands/smoke.js')));
}
