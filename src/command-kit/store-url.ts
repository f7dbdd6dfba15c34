// Where the commands of the shared webhook store find it: --store, else WXPAY_STORE, else `store` in the profile
// (config/config.ts; a found rc file may name a loopback store only). Undefined: the file journal. The profile is
// read only when neither is given, so a store named on the command line works wherever the rc file is refused.
import path from 'node:path';
import { WxpayError } from '../protocol/errors.js';
import type { CommandContext } from '../runtime.js';
import { loadProfile } from './shared.js';

export const DEFAULT_JOURNAL = 'wxpay-webhooks.ndjson';

export async function storeUrlFor(ctx: CommandContext<{ store?: string | undefined }>): Promise<string | undefined> {
  // An empty value is unset, as for every other variable.
  return ctx.opts.store || ctx.rt.env.WXPAY_STORE || (await loadProfile(ctx)).store || undefined;
}

export type JournalOrStore = { kind: 'file'; file: string } | { kind: 'store'; url: string };

/** What the readers (`webhook tail`, `notify replay`, `notify recover`) read: a journal named on the command line
 *  (`journal`), else the store if there is one, else ./wxpay-webhooks.ndjson. Naming both is a usage error. */
export async function journalOrStore(
  ctx: CommandContext<{ store?: string | undefined }>,
  journal: string | undefined,
): Promise<JournalOrStore> {
  if (journal !== undefined && ctx.opts.store)
    throw new WxpayError('USAGE', 'Give a journal file or --store, not both', {
      hint: 'The store holds what every `webhook serve --store` instance acknowledged; a journal, what one listener did.',
    });
  if (journal === '-') return { kind: 'file', file: '-' };
  const url = journal === undefined ? await storeUrlFor(ctx) : undefined;
  return url ? { kind: 'store', url } : { kind: 'file', file: path.resolve(ctx.rt.cwd, journal ?? DEFAULT_JOURNAL) };
}
