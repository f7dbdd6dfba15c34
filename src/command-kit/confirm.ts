// The confirmation every money-moving command asks for (transfer create and cancel, split, unfreeze, return,
// abnormal refund, refund create): a y/N question on a TTY, --yes in scripts; without either nothing is sent.
import { WxpayError } from '../protocol/errors.js';
import type { CommandContext } from '../runtime.js';
import { readLine } from './shared.js';

/**
 * True to go ahead. Declining is a decision, not an error: "nothing was sent" on stderr, and exit 0. `action`
 * names what is refused or declined ("refund": "Refund not confirmed"); by default it is moving money.
 */
export async function confirmSend(
  ctx: CommandContext<{ yes?: boolean | undefined }>,
  question: string,
  action?: string,
): Promise<boolean> {
  if (ctx.opts.yes) return true;
  if (!ctx.rt.stdin.isTTY)
    throw new WxpayError('USAGE', `Refusing to ${action ?? 'move money'} without confirmation: no TTY and no --yes`, {
      hint: 'Add --yes in scripts and CI, after checking the numbers.',
    });
  ctx.rt.stderr.write(`${question} [y/N] `);
  if (/^y(es)?$/i.test(await readLine(ctx.rt))) return true;
  const declined = action ? `${action[0]!.toUpperCase()}${action.slice(1)} not confirmed` : 'Not confirmed';
  ctx.rt.stderr.write(`${declined}; nothing was sent.\n`);
  return false;
}
