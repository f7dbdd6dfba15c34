// `wxpay completion <bash|zsh|fish>`: prints a completion script for the whole command tree.
import type { CommandUnknownOpts as Command } from '@commander-js/extra-typings';
import { WxpayError } from '../protocol/errors.js';
import type { CommandContext } from '../runtime.js';
import { SHELLS } from '../command-kit/completion-model.js';
import { bashScript, fishScript, zshScript } from '../command-kit/completion-scripts.js';

export async function run(ctx: CommandContext): Promise<void> {
  const [shell] = ctx.args as [string];
  let root = ctx.command as Command;
  while (root.parent) root = root.parent;
  const make = { bash: bashScript, zsh: zshScript, fish: fishScript }[shell];
  if (!make) throw new WxpayError('USAGE', `Unknown shell "${shell}"`, { hint: `Use ${SHELLS.join(', ')}.` });
  ctx.rt.stdout.write(make(root));
}
