// `wxpay notify replay <capture-or-journal> --to <url> [--id <event id>] [--resign --sandbox-dir <dir>]`:
// re-sends captured callbacks byte for byte (warning when the timestamp is outside the 300 s window), or with
// --resign a fresh timestamp, nonce and signature from the sandbox's key. With --forward <url> instead it sends
// exactly what `webhook serve --forward-to` sends for each event (the decrypted event, the same headers, a fresh
// Standard Webhooks signature under the journal's secret). Exit 0 only if every one got a 2xx.
import path from 'node:path';
import { parseCaptures, type JournalEntry } from '../webhook/capture.js';
import { responseMessage } from '../protocol/canonical.js';
import { WxpayError } from '../protocol/errors.js';
import { signMessage, unixSeconds } from '../protocol/sign.js';
import { DEFAULT_WINDOW_SECONDS } from '../protocol/verify.js';
import type { CommandContext } from '../runtime.js';
import type { NotifyReplayOptions } from '../cli/notify.js';
import { deliver } from '../webhook/deliver.js';
import { readForwardSecret, secretPathFor } from '../webhook/forward-secret.js';
import { createForwarder, forwardMessage } from '../webhook/forwarder.js';
import { refuseForwardCredentials } from '../command-kit/forward-url.js';
import { dropNonCaptures, eventIdOf, journalSelection, ReplaySelection } from '../webhook/replay-source.js';
import { pickSigner, sandboxKeys } from '../command-kit/notify-signer.js';
import { storeCaptures, storeName } from '../command-kit/store-readers.js';
import { DEFAULT_JOURNAL, journalOrStore, type JournalOrStore } from '../command-kit/store-url.js';
import { outputFor, readInput } from '../command-kit/shared.js';
import type { Output } from '../render.js';
import { newNonce } from '../protocol/nonce.js';

type Sent = { status: number; ok: boolean; body: string };

function checkOptions(opts: NotifyReplayOptions): void {
  if (!opts.to === !opts.forward)
    throw new WxpayError(
      'USAGE',
      'Give one of --to <url> (the callback as WeChat Pay sent it) or --forward <url> (what webhook serve forwards)',
      { hint: 'e.g. --forward http://127.0.0.1:3000/notify' },
    );
  const url = (opts.to ?? opts.forward)!;
  if (opts.forward) refuseForwardCredentials('--forward', opts.forward);
  if (!/^https?:\/\//.test(url))
    throw new WxpayError('USAGE', `${opts.to ? '--to' : '--forward'} must be an http(s) URL, got "${url}"`, {
      hint: 'e.g. --to http://127.0.0.1:8930/',
    });
  if (opts.forward && opts.resign)
    throw new WxpayError('USAGE', '--resign applies to --to only', {
      hint: "A forward is always signed afresh with the journal's whsec_ secret.",
    });
}

/** The captures to send, from a journal or capture file (`-`: stdin), or from the store. */
async function captures(ctx: CommandContext<NotifyReplayOptions>, source: JournalOrStore): Promise<JournalEntry[]> {
  if (source.kind === 'store') return storeCaptures(source.url, ctx.opts.id);
  const fromJournal = source.file === '-' ? undefined : await journalSelection(source.file, ctx.opts.id);
  if (fromJournal) return fromJournal.captures;
  const sel = new ReplaySelection(ctx.opts.id);
  const text = (await readInput(ctx.rt, source.file, 'capture or journal')).toString('utf8');
  for (const c of parseCaptures(dropNonCaptures(text), source.file)) sel.add(c);
  return sel.captures;
}

/** The forward of one journalled event, sent once with the same code `webhook serve` uses. */
async function sendForward(c: JournalEntry, url: string, secret: string): Promise<Sent> {
  if (typeof c.id !== 'string' || typeof c.event_type !== 'string' || c.resource === undefined) {
    throw new WxpayError('USAGE', `${eventIdOf(c) ?? 'a capture'} has no decrypted resource to forward`, {
      hint: 'Replay --forward from the journal of `wxpay webhook serve` (its accepted lines hold the resource).',
    });
  }
  const forward = createForwarder({ url, secret, attempts: 1 });
  const r = await forward(
    forwardMessage({
      id: c.id,
      event_type: c.event_type,
      body: c.body,
      headers: c.headers,
      resource: c.resource,
      // An event accepted by a many-merchant listener is re-sent as that merchant's.
      ...(typeof c.profile === 'string' ? { profile: c.profile } : {}),
    }),
  ).finally(() => forward.close());
  return { status: r.status ?? 0, ok: r.ok, body: r.ok ? '' : (r.error ?? '') };
}

export async function run(ctx: CommandContext<NotifyReplayOptions>): Promise<void> {
  const { opts, rt } = ctx;
  const out = outputFor(ctx);
  checkOptions(opts);
  const source = await journalOrStore(ctx, ctx.args[0] as string | undefined);
  const from = source.kind === 'store' ? storeName(source.url) : source.file;
  const list = await captures(ctx, source);
  if (!list.length)
    throw new WxpayError(
      'USAGE',
      opts.id ? `No capture with event id ${opts.id} in ${from}` : `Nothing to replay in ${from}`,
      { hint: 'List the ids with: wxpay webhook tail (add --store <url> for the store).' },
    );
  // The forward secret is beside the journal; with a store, beside webhook serve's --journal.
  const secretOf = path.resolve(rt.cwd, source.kind === 'file' ? source.file : (opts.journal ?? DEFAULT_JOURNAL));
  const secret = opts.forward ? await readForwardSecret(secretOf) : undefined;
  if (opts.forward && !secret)
    throw new WxpayError('USAGE', `No forward secret beside ${secretOf} (${secretPathFor(secretOf)})`, {
      hint: "`wxpay webhook serve --forward-to <url>` creates it next to its journal; replay --forward from that journal (with --store: give serve's --journal).",
    });
  const sb = opts.resign ? await sandboxKeys(ctx) : undefined;
  const results: Array<{ id?: string; status: number; ok: boolean; body: string; resigned: boolean }> = [];
  for (const c of list) {
    const res = secret ? await sendForward(c, opts.forward!, secret) : await sendCallback(ctx, out, c, sb);
    const id = eventIdOf(c);
    results.push({ ...(id ? { id } : {}), status: res.status, ok: res.ok, body: res.body, resigned: Boolean(sb) });
    if (!out.json)
      out.line(`${id ?? '(no id)'}  ${res.status || 'not sent'}${res.body ? `  ${res.body.slice(0, 200)}` : ''}`);
  }
  if (out.json) out.data({ sent: results.length, results });
  const failed = results.filter((r) => !r.ok);
  if (failed.length) {
    throw new WxpayError(
      'NOTIFY_DELIVERY_FAILED',
      `${failed.length} of ${results.length} replayed ${secret ? 'forwards' : 'callbacks'} were not acknowledged (2xx)`,
      {
        hint: secret
          ? 'Is the app running at the --forward URL? Its answer or the cause is printed per event.'
          : 'A stale timestamp is the usual cause for a verifying receiver: replay with --resign against a sandbox-keyed receiver.',
        details: { failed: failed.map((f) => ({ id: f.id, status: f.status })) },
      },
    );
  }
}

/** The callback as captured (warning when its timestamp is stale), or with --resign signed afresh by a sandbox key. */
async function sendCallback(
  ctx: CommandContext<NotifyReplayOptions>,
  out: Output,
  c: JournalEntry,
  sb: Awaited<ReturnType<typeof sandboxKeys>> | undefined,
): Promise<Sent> {
  const { opts, rt } = ctx;
  const headers = { ...c.headers };
  const nowS = Math.floor(rt.now() / 1000);
  if (sb) {
    const signer = pickSigner(sb, opts.signWith, headers['wechatpay-serial']);
    const ts = unixSeconds(rt.now());
    const nonce = newNonce();
    Object.assign(headers, {
      'wechatpay-timestamp': ts,
      'wechatpay-nonce': nonce,
      'wechatpay-serial': signer.serial,
      'wechatpay-signature': signMessage(signer.key, responseMessage(ts, nonce, c.body)),
    });
  } else {
    const ts = Number(headers['wechatpay-timestamp']);
    if (Number.isFinite(ts) && Math.abs(nowS - ts) >= DEFAULT_WINDOW_SECONDS) {
      out.warn(
        `${eventIdOf(c) ?? 'capture'}: Wechatpay-Timestamp is ${nowS - ts} s old, outside the ±${DEFAULT_WINDOW_SECONDS} s window; a verifying receiver will reject it (use --resign with sandbox keys)`,
      );
    }
  }
  return deliver(opts.to!, headers, c.body);
}
