// `wxpay webhook migrate --store postgres://…`: brings the store's schema up to this binary's, in one transaction,
// and says which migrations it applied. Safe to run again (nothing to do) and from two places at once (they take
// turns on an advisory lock).
import { WxpayError } from '../protocol/errors.js';
import { redactStoreUrl } from '../protocol/redact.js';
import type { CommandContext } from '../runtime.js';
import type { WebhookMigrateOptions } from '../cli/webhook.js';
import { intOption, outputFor } from '../command-kit/shared.js';
import { storeUrlFor } from '../command-kit/store-url.js';

export async function run(ctx: CommandContext<WebhookMigrateOptions>): Promise<void> {
  const out = outputFor(ctx);
  const url = await storeUrlFor(ctx);
  if (!url)
    throw new WxpayError('USAGE', 'webhook migrate needs a store', {
      hint: 'Pass --store postgres://user@host:5432/db, or set WXPAY_STORE or `store` in the profile.',
    });
  const target = intOption(ctx.opts.to, '--to');
  const { openPool } = await import('../store/connect.js');
  const { migrate } = await import('../store/migrations.js');
  const pool = await openPool(url, { max: 1 });
  try {
    const r = await migrate(pool, url, target);
    const shown = redactStoreUrl(url);
    if (out.json) out.data({ store: shown, ...r });
    else if (!r.applied.length) out.line(`${shown}: schema version ${r.from}, up to date`);
    else out.line(`${shown}: schema version ${r.from} -> ${r.to} (applied ${r.applied.join(', ')})`);
  } finally {
    await pool.end();
  }
}
