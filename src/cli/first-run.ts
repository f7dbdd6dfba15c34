// Declarations: completion and the first-five-minutes commands (demo, smoke; config init lives with config).
import type { Command } from 'commander';
import type { Runtime } from '../runtime.js';
import { lazy } from './lazy.js';

export function registerFirstRun(program: Command, rt: Runtime): void {
  program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish)')
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText(
      'after',
      '\nInstall:\n  bash: wxpay completion bash > ~/.local/share/bash-completion/completions/wxpay\n  zsh:  wxpay completion zsh > "${fpath[1]}/_wxpay"\n  fish: wxpay completion fish > ~/.config/fish/completions/wxpay.fish',
    )
    .action(lazy(rt, () => import('../commands/completion.js')));
  program
    .command('demo')
    .description(
      'the whole flow in one process: keys, sandbox, webhook listener, prepay, pay, notification, query, refund, config check',
    )
    .option('--keep <dir>', 'use and keep this folder (keys, rc file, webhook journal) instead of a temp folder')
    .option('--mode <mode>', 'pubkey | cert | mixed: the WeChat Pay key mode of the demo profile', 'pubkey')
    .addHelpText(
      'after',
      '\nExit 0 only if all eleven steps passed. The QR code is drawn on a terminal only.\nExample:\n  wxpay demo --keep ./demo',
    )
    .action(lazy(rt, () => import('../commands/demo.js')));
  program
    .command('smoke')
    .description(
      'read-only CI checks against the configured environment: config, clock skew, certificates, one signed request',
    )
    .option('--junit <file>', 'also write the result as JUnit XML')
    .addHelpText(
      'after',
      '\nNothing that moves money is called: the signed request queries a random, nonexistent out_trade_no\nand expects ORDER_NOT_EXIST. Exit 0 unless a check failed.\nExample:\n  wxpay smoke --profile prod --junit reports/wxpay-smoke.xml',
    )
    .action(lazy(rt, () => import('../commands/smoke.js')));
}
