// Declarations: wxpay completion (shell completion scripts).
import type { Command } from '@commander-js/extra-typings';
import type { Runtime } from '../runtime.js';
import { lazy } from './lazy.js';

export function registerCompletion(program: Command, rt: Runtime): void {
  program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish)')
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText(
      'after',
      '\nInstall:\n  bash: wxpay completion bash > ~/.local/share/bash-completion/completions/wxpay\n  zsh:  wxpay completion zsh > "${fpath[1]}/_wxpay"\n  fish: wxpay completion fish > ~/.config/fish/completions/wxpay.fish',
    )
    .action(lazy(rt, () => import('../commands/completion.js')));
}
