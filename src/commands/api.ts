// `wxpay api <METHOD> <path>`: any v3 endpoint, signed and verified like every other call, printing the
// raw JSON response. The long tail of the API without a dedicated command. GETs are retried; writes are not,
// since the client cannot know whether an arbitrary body carries an idempotency key (--idempotent says so).
import { WxpayError } from '../protocol/errors.js';
import type { CommandContext } from '../runtime.js';
import type { ApiOptions } from '../cli/api.js';
import { printDryRun, withClient } from '../command-kit/client-context.js';
import { outputFor, parseJson, readInput } from '../command-kit/shared.js';

export function parseQuery(items: string[] = []): Array<[string, string]> {
  return items.map((item) => {
    const i = item.indexOf('=');
    if (i <= 0)
      throw new WxpayError('USAGE', `--query "${item}" is not k=v`, { hint: 'e.g. --query mchid=1900007291' });
    return [item.slice(0, i), item.slice(i + 1)];
  });
}

export async function run(ctx: CommandContext<ApiOptions>): Promise<void> {
  const [rawMethod, path] = ctx.args as [string, string];
  const { opts, rt } = ctx;
  const method = rawMethod.toUpperCase();
  if (!/^(GET|POST|PUT|PATCH|DELETE)$/.test(method))
    throw new WxpayError('USAGE', `"${rawMethod}" is not an HTTP method`, {
      hint: 'Use GET, POST, PUT, PATCH or DELETE.',
    });
  if (!path.startsWith('/v3/'))
    throw new WxpayError('USAGE', `The path "${path}" must start with /v3/`, {
      hint: 'Give the path only, e.g. /v3/pay/transactions/out-trade-no/ORDER001; the host comes from the profile.',
    });
  if (opts.data !== undefined && opts.dataFile !== undefined)
    throw new WxpayError('USAGE', 'Give --data or --data-file, not both', { hint: 'Use --data-file - for stdin.' });
  const text =
    opts.dataFile !== undefined ? (await readInput(rt, opts.dataFile, 'data file')).toString('utf8') : opts.data;
  // Validate the JSON but send the text as given: the bytes signed are the bytes the user wrote.
  if (text !== undefined) parseJson(text, '--data');
  await withClient(ctx, async ({ client }) => {
    const req = {
      method,
      path,
      query: parseQuery(opts.query),
      ...(text !== undefined ? { body: text } : {}),
      idempotent: Boolean(opts.idempotent),
    };
    if (opts.dryRun) return printDryRun(ctx, client.preview(req));
    const res = await client.request(req);
    const out = outputFor(ctx);
    if (out.json) return out.data(res.data ?? null);
    out.note(`HTTP ${res.status}${res.requestId ? ` Request-ID ${res.requestId}` : ''} (signature verified)`);
    if (res.rawBody.length) out.line(res.rawBody.toString('utf8'));
  });
}
