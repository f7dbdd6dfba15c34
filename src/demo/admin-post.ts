// What the demo does by hand through the sandbox's /sandbox control API: pay an order, complete a refund.
import { request } from '../http/undici-lean.js';
import { WxpayError } from '../protocol/errors.js';
import type { DemoWorld } from './env.js';

/** POSTs to the sandbox's /sandbox control API (what `wxpay sandbox pay|refund` do). With undici's request, which
 *  the client has loaded already: fetch() would load Node's own copy of undici too (~0.08 s of the demo's CPU). */
export async function adminPost(world: DemoWorld, p: string): Promise<Record<string, unknown>> {
  const res = await request(`${world.sandbox!.url}${p}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    signal: AbortSignal.timeout(5000),
  });
  const json = (await res.body.json()) as Record<string, unknown>;
  if (res.statusCode < 200 || res.statusCode >= 300)
    throw new WxpayError(
      'WECHATPAY_ERROR',
      `the sandbox answered ${res.statusCode} ${String(json.code)} ${String(json.message)}`,
      {
        hint: 'The embedded sandbox refused its own control call; report the output.',
      },
    );
  return json;
}
