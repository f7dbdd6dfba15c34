// `wxpay notify replay <capture-or-journal> --to <url> [--id <event id>] [--resign --sandbox-dir <dir>]`:
// re-sends captured callbacks byte for byte (warning when the timestamp is outside the 300 s window), or with
// --resign a fresh timestamp, nonce and signature from the sandbox's key. Exit 0 only if every one got a 2xx.
import { parseCaptures, type JournalEntry } from '../core/capture.js';
import { responseMessage } from '../core/canonical.js';
import { WxpayError } from '../core/errors.js';
import { newNonce, signMessage, unixSeconds } from '../core/sign.js';
import { DEFAULT_WINDOW_SECONDS } from '../core/verify.js';
import type { CommandContext } from '../runtime.js';
import { deliver } from '../webhook/deliver.js';
import { pickSigner, sandboxKeys, type SignerOptions } from './notify-signer.js';
import { outputFor, readInput } from './shared.js';

interface ReplayOptions extends SignerOptions {
  to: string;
  id?: string;
  resign?: boolean;
}

function eventIdOf(c: JournalEntry): string | undefined {
  if (typeof c.id === 'string') return c.id;
  try {
    return (JSON.parse(c.body) as { id?: string }).id;
  } catch {
    return undefined;
  }
}

export async function run(ctx: CommandContext<ReplayOptions>): Promise<void> {
  const { opts, rt } = ctx;
  const out = outputFor(ctx);
  if (!/^https?:\/\//.test(opts.to)) throw new WxpayError('USAGE', `--to must be an http(s) URL, got "${opts.to}"`, { hint: 'e.g. --to http://127.0.0.1:8930/' });
  const file = String(ctx.args[0]);
  let captures = parseCaptures((await readInput(rt, file, 'capture or journal')).toString('utf8'), file);
  // A journal also holds rejected and duplicate deliveries: send each event once, preferring the copy that
  // was accepted (its bytes are known good), else the first one seen.
  const byId = new Map<string, JournalEntry>();
  const noId: JournalEntry[] = [];
  for (const c of captures) {
    const id = eventIdOf(c);
    if (opts.id !== undefined && id !== opts.id) continue;
    if (!id) noId.push(c);
    else if (!byId.has(id) || (c.outcome === 'accepted' && byId.get(id)!.outcome !== 'accepted')) byId.set(id, c);
  }
  captures = [...byId.values(), ...(opts.id === undefined ? noId : [])];
  if (!captures.length) throw new WxpayError('USAGE', opts.id ? `No capture with event id ${opts.id} in ${file}` : `Nothing to replay in ${file}`, { hint: 'List the ids with: grep -o \'"id":"[^"]*"\' the journal.' });
  const sb = opts.resign ? await sandboxKeys(ctx) : undefined;
  const results: Array<{ id?: string; status: number; ok: boolean; body: string; resigned: boolean }> = [];
  for (const c of captures) {
    const headers = { ...c.headers };
    const nowS = Math.floor(rt.now() / 1000);
    if (sb) {
      const signer = pickSigner(sb, opts.signWith, headers['wechatpay-serial']);
      const ts = unixSeconds(rt.now());
      const nonce = newNonce();
      Object.assign(headers, { 'wechatpay-timestamp': ts, 'wechatpay-nonce': nonce, 'wechatpay-serial': signer.serial, 'wechatpay-signature': signMessage(signer.key, responseMessage(ts, nonce, c.body)) });
    } else {
      const ts = Number(headers['wechatpay-timestamp']);
      if (Number.isFinite(ts) && Math.abs(nowS - ts) >= DEFAULT_WINDOW_SECONDS) {
        out.warn(`${eventIdOf(c) ?? 'capture'}: Wechatpay-Timestamp is ${nowS - ts} s old, outside the ±${DEFAULT_WINDOW_SECONDS} s window; a verifying receiver will reject it (use --resign with sandbox keys)`);
      }
    }
    const res = await deliver(opts.to, headers, c.body);
    const id = eventIdOf(c);
    results.push({ ...(id ? { id } : {}), status: res.status, ok: res.ok, body: res.body, resigned: Boolean(sb) });
    if (!out.json) out.line(`${id ?? '(no id)'}  ${res.status}${res.body ? `  ${res.body.slice(0, 200)}` : ''}`);
  }
  if (out.json) out.data({ sent: results.length, results });
  const failed = results.filter((r) => !r.ok);
  if (failed.length) {
    throw new WxpayError('NOTIFY_DELIVERY_FAILED', `${failed.length} of ${results.length} replayed callbacks were not acknowledged (2xx)`, {
      hint: 'A stale timestamp is the usual cause for a verifying receiver: replay with --resign against a sandbox-keyed receiver.',
      details: { failed: failed.map((f) => ({ id: f.id, status: f.status })) },
    });
  }
}
