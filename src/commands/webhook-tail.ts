// `wxpay webhook tail`: a journal as `webhook serve`'s live lines (or their NDJSON with --json), filtered, and with
// --follow as it grows and across rotation. The journal is untrusted text (anyone can post a rejected request into
// it), so every field is made terminal-safe on one line before it is printed.
import path from 'node:path';
import { WxpayError } from '../protocol/errors.js';
import { terminalSafe } from '../render.js';
import type { CommandContext } from '../runtime.js';
import type { WebhookTailOptions } from '../cli/webhook.js';
import { intOption, outputFor } from '../command-kit/shared.js';
import { formatLive, type LiveEvent } from '../webhook/live-line.js';
import { matchesFilter, parseTailFilters, tailEvent, type TailFilter } from '../webhook/tail.js';
import { followJournalLines, readJournalLines } from '../webhook/tail-source.js';

const oneLine = (ev: LiveEvent): LiveEvent =>
  JSON.parse(JSON.stringify(ev), (_k, v: unknown) =>
    typeof v === 'string' ? terminalSafe(v, { singleLine: true }) : v,
  ) as LiveEvent;

/** Parses a line into the event to show, or undefined for a line that is not a journal entry or not wanted. */
function eventOf(bytes: Buffer, filter: TailFilter): LiveEvent | undefined {
  let entry: unknown;
  try {
    entry = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined; // a torn or foreign line: the journal module cuts torn lines, nothing to show
  }
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return undefined;
  const ev = tailEvent(entry as Record<string, unknown>);
  return matchesFilter(ev, filter) ? ev : undefined;
}

export async function run(ctx: CommandContext<WebhookTailOptions>): Promise<void> {
  const { opts, rt } = ctx;
  const out = outputFor(ctx);
  const filter = parseTailFilters(opts.filter ?? []);
  const keep = intOption(opts.lines, '--lines');
  const file = path.resolve(rt.cwd, opts.journal ?? 'wxpay-webhooks.ndjson');
  const show = (ev: LiveEvent) => (out.json ? out.event(ev) : out.line(formatLive(oneLine(ev))));
  if (opts.follow && keep !== undefined)
    throw new WxpayError('USAGE', '--lines applies without --follow', {
      hint: '--follow prints the whole journal, then what is appended; pipe it to `tail -n` for the last lines.',
    });
  if (opts.follow) return follow(ctx, file, filter, show);
  const last: LiveEvent[] = [];
  const found = await readJournalLines(file, (line) => {
    const ev = eventOf(line, filter);
    if (!ev) return;
    if (keep === undefined) {
      show(ev);
      return;
    }
    last.push(ev);
    if (last.length > keep) last.shift();
  });
  if (!found)
    throw new WxpayError('USAGE', `No journal at ${file}`, {
      hint: 'Pass --journal <file> (webhook serve writes ./wxpay-webhooks.ndjson by default), or use --follow to wait for it.',
    });
  last.forEach(show);
}

async function follow(ctx: CommandContext, file: string, filter: TailFilter, show: (ev: LiveEvent) => void) {
  const stop = new AbortController();
  const offSignal = ctx.rt.onSignal(() => stop.abort());
  const offClosed = ctx.rt.onStdoutClosed?.(() => stop.abort());
  outputFor(ctx).note(`following ${file} (Ctrl-C stops)`);
  try {
    await followJournalLines(
      file,
      (bytes) => {
        const ev = eventOf(bytes, filter);
        if (ev) show(ev);
      },
      stop.signal,
    );
  } finally {
    offSignal();
    offClosed?.();
  }
}
