// `wxpay webhook tail`: a journal, or the shared store, as `webhook serve`'s live lines (or their NDJSON with
// --json), filtered, and with --follow as it grows (across rotation; the store is polled). What it reads is untrusted
// text (anyone can post a rejected request into a journal), so every field is made terminal-safe on one line.
import { WxpayError } from '../protocol/errors.js';
import { terminalSafe } from '../render.js';
import type { CommandContext } from '../runtime.js';
import type { WebhookTailOptions } from '../cli/webhook.js';
import { intOption, outputFor } from '../command-kit/shared.js';
import { formatLive, type LiveEvent } from '../webhook/live-line.js';
import { matchesFilter, parseTailFilters, tailEvent, type TailFilter } from '../webhook/tail.js';
import type { TailSource } from '../webhook/tail-source.js';
import { openTailSource } from '../command-kit/store-readers.js';

const oneLine = (ev: LiveEvent): LiveEvent =>
  JSON.parse(JSON.stringify(ev), (_k, v: unknown) =>
    typeof v === 'string' ? terminalSafe(v, { singleLine: true }) : v,
  ) as LiveEvent;

/** The event to show for a journal entry, or undefined for one that is not an entry or not wanted. */
function eventOf(entry: unknown, filter: TailFilter): LiveEvent | undefined {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return undefined;
  const ev = tailEvent(entry as Record<string, unknown>);
  return matchesFilter(ev, filter) ? ev : undefined;
}

export async function run(ctx: CommandContext<WebhookTailOptions>): Promise<void> {
  const { opts } = ctx;
  const out = outputFor(ctx);
  const filter = parseTailFilters(opts.filter ?? []);
  const keep = intOption(opts.lines, '--lines');
  const show = (ev: LiveEvent) => (out.json ? out.event(ev) : out.line(formatLive(oneLine(ev))));
  if (opts.follow && keep !== undefined)
    throw new WxpayError('USAGE', '--lines applies without --follow', {
      hint: '--follow prints the whole journal, then what is appended; pipe it to `tail -n` for the last lines.',
    });
  const source = await openTailSource(ctx, opts.journal);
  try {
    if (opts.follow) await follow(ctx, source, filter, show);
    else await readAll(source, filter, keep, show);
  } finally {
    await source.close();
  }
}

async function readAll(source: TailSource, filter: TailFilter, keep: number | undefined, show: (e: LiveEvent) => void) {
  const last: LiveEvent[] = [];
  const found = await source.read((entry) => {
    const ev = eventOf(entry, filter);
    if (!ev) return;
    if (keep === undefined) {
      show(ev);
      return;
    }
    last.push(ev);
    if (last.length > keep) last.shift();
  });
  if (!found)
    throw new WxpayError('USAGE', `No journal at ${source.name}`, {
      hint: 'Pass --journal <file> (webhook serve writes ./wxpay-webhooks.ndjson by default) or --store <url>, or use --follow to wait for it.',
    });
  last.forEach(show);
}

async function follow(ctx: CommandContext, source: TailSource, filter: TailFilter, show: (ev: LiveEvent) => void) {
  const stop = new AbortController();
  const offSignal = ctx.rt.onSignal(() => stop.abort());
  const offClosed = ctx.rt.onStdoutClosed?.(() => stop.abort());
  outputFor(ctx).note(`following ${source.name} (Ctrl-C stops)`);
  try {
    await source.follow((entry) => {
      const ev = eventOf(entry, filter);
      if (ev) show(ev);
    }, stop.signal);
  } finally {
    offSignal();
    offClosed?.();
  }
}
