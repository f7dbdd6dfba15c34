// Secrets hygiene (issue 9): the APIv3 key never travels on argv, where shell history and `ps` keep it. No flag
// takes it; this guard also refuses a positional or option value that holds the key as exported in the
// environment (WXPAY_APIV3_KEY, or any variable named like *APIV3*, which is how rc files reference it), before
// the command runs and before any error message could echo the value. Keys read from files are not known here.
import { WxpayError } from '../protocol/errors.js';
import type { CommandContext } from '../runtime.js';

const strings = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.flatMap(strings) : []);

export function refuseSecretArgs(ctx: Pick<CommandContext, 'args' | 'opts' | 'rt'>): void {
  const keys = Object.entries(ctx.rt.env)
    .filter(([name, v]) => /APIV3/i.test(name) && typeof v === 'string' && v.length >= 16)
    .map(([, v]) => v!);
  if (!keys.length) return;
  const values = [...strings(ctx.args), ...Object.values(ctx.opts).flatMap(strings)];
  if (values.some((v) => keys.some((k) => v.includes(k)))) {
    throw new WxpayError('USAGE', 'The APIv3 key was given on the command line; refused', {
      hint: 'Never pass the APIv3 key as an argument (shell history and process lists keep it). Reference it in the rc file ("apiV3Key": "env:NAME" or "file:PATH") or export WXPAY_APIV3_KEY.',
    });
  }
}
