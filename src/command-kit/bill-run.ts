// The flow shared by `wxpay bill trade`, `wxpay bill fundflow` and `wxpay profitsharing bill`: check the date, apply, stream the download
// through gunzip + SHA1 into a temp file beside --output (renamed only when the hash matched), or to stdout
// once verified; then report rows, the hash and, with --summary, the totals block.
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { downloadBill } from '../api/bills.js';
import { checkBillDate, explainBillError } from '../bills/dates.js';
import type { FundflowBillOptions, TradeBillOptions } from '../cli/bill.js';
import type { ProfitsharingBillOptions } from '../cli/profitsharing.js';
import type { ReceivedBill } from '../bills/stream.js';
import { BILL_FORMATS, type BillFormat } from '../bills/writers.js';
import { WxpayError } from '../protocol/errors.js';
import { refuseSymlink } from '../files/safe-write.js';
import { tempRoot, type CommandContext } from '../runtime.js';
import { applyBill, describeBill, type BillKindName } from './bill-kinds.js';
import { withClient } from './client-context.js';
import { outputFor } from './shared.js';
import { redactUrl } from '../protocol/redact.js';
import { leanDownload } from '../http/lean-download.js';

/** The flags of `bill trade`, `bill fundflow` and `profitsharing bill`, as their declarations derive them. */
export type BillOptions = TradeBillOptions | FundflowBillOptions | ProfitsharingBillOptions;

const EXTENSIONS: Record<string, BillFormat> = {
  '.csv': 'csv',
  '.json': 'json',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
  '.gz': 'raw',
};

export function pickFormat(opts: Pick<BillOptions, 'format' | 'output'>, json: boolean): BillFormat {
  if (opts.format !== undefined && !BILL_FORMATS.includes(opts.format))
    throw new WxpayError('USAGE', `--format ${opts.format} is not one of ${BILL_FORMATS.join(', ')}`, {
      hint: 'e.g. --format ndjson',
    });
  if (json && !opts.output && opts.format !== undefined && opts.format !== 'json') {
    throw new WxpayError(
      'USAGE',
      `--json prints one JSON document on stdout, so it cannot carry --format ${opts.format}`,
      { hint: `Add --output <file> to write the ${opts.format} file and get the report as JSON, or drop --json.` },
    );
  }
  return opts.format ?? EXTENSIONS[path.extname(opts.output ?? '').toLowerCase()] ?? (json ? 'json' : 'csv');
}

/** The folder must exist, and a symlink at the file is refused before anything is downloaded. */
async function checkFolder(file: string): Promise<void> {
  const dir = path.dirname(file);
  const s = await stat(dir).catch(() => undefined);
  if (!s?.isDirectory())
    throw new WxpayError('USAGE', `The folder for --output does not exist: ${dir}`, {
      hint: 'Create it first, or give another path.',
    });
  await refuseSymlink(file);
}

async function copyToStdout(ctx: CommandContext, file: string): Promise<void> {
  const out = ctx.rt.stdout;
  for await (const chunk of createReadStream(file)) if (!out.write(chunk)) await once(out, 'drain');
}

export async function runBill(ctx: CommandContext<BillOptions>, kind: BillKindName): Promise<void> {
  const { opts, rt } = ctx;
  // Peak RSS (issue 19): no optimising recompile of undici's HTTP parser, and the gunzipped chunks freed while
  // young (http/lean-download.ts says why). Its V8 flags are process-wide: only in a process of the command's own.
  const nudge = rt.ownsProcess ? leanDownload() : undefined;
  const now = rt.now();
  const date = checkBillDate(opts.date, now);
  const out = outputFor(ctx);
  const format = pickFormat(opts, out.json);
  const target = opts.output ? path.resolve(rt.cwd, opts.output) : undefined;
  if (target) await checkFolder(target);
  const tmpDir = target ? undefined : await mkdtemp(path.join(tempRoot(rt), 'wxpay-bill-'));
  const file = target ?? path.join(tmpDir!, `bill.${format}`);
  const ac = new AbortController();
  const offSignal = rt.onSignal(() => ac.abort());
  const line = rt.stderr.isTTY && !out.json ? progressLine(rt) : undefined;
  const onProgress = (n: number) => {
    nudge?.(n);
    line?.(n);
  };
  const what = describeBill(kind, opts, date);
  let got: ReceivedBill;
  try {
    got = await withClient(ctx, async ({ client }) => {
      const apply = await applyBill(client, kind, opts, date).catch((e: unknown) => {
        throw explainBillError(e, date, now);
      });
      // The client's --verbose log covers the apply call; the streamed download is logged here, token redacted.
      if (opts.verbose)
        out.note(
          `> GET ${redactUrl(apply.download_url)} (signed request; the answer is unsigned and checked against SHA1 ${apply.hash_value})`,
        );
      // WXPAY_TIMEOUT_MS (also the client's) bounds the wait for the download's headers and for each chunk.
      const timeout = /^\d+$/.test(rt.env.WXPAY_TIMEOUT_MS ?? '') ? { timeoutMs: Number(rt.env.WXPAY_TIMEOUT_MS) } : {};
      return downloadBill(client, apply, {
        gzip: Boolean(opts.gzip),
        format,
        target: file,
        signal: ac.signal,
        ...timeout,
        onProgress,
      });
    });
    if (line) rt.stderr.write('\n');
    if (!target) await copyToStdout(ctx, file);
  } catch (e) {
    throw downloadFailure(e, ac.signal.aborted, what, opts.output);
  } finally {
    offSignal();
    if (tmpDir) await rm(tmpDir, { recursive: true, force: true });
  }
  if (format === 'raw' && opts.gzip && opts.output && !/\.gz$/i.test(opts.output))
    out.warn(`${opts.output} holds the gzip file as sent (--format raw --gzip); a .gz name would say so`);
  for (const m of got.totalsMismatch)
    out.warn(`the bill's summary says ${m.key} = ${m.file}, but its rows add up to ${m.rows}`);
  report(ctx, what, format, got);
}

/** The TTY's "downloading: n MB" line, redrawn at most every 500 ms. */
function progressLine(rt: CommandContext['rt']): (n: number) => void {
  let lastProgress = 0;
  return (n: number) => {
    if (rt.now() - lastProgress < 500) return;
    lastProgress = rt.now();
    rt.stderr.write(`\rdownloading: ${(n / 1048576).toFixed(1)} MB`);
  };
}

/** What a failed download means to the user: interrupted (Ctrl+C), or the file could not be written. */
function downloadFailure(e: unknown, aborted: boolean, what: string, output: string | undefined): unknown {
  if (aborted)
    return new WxpayError('NETWORK', `Interrupted: the ${what} was not written`, {
      cause: e,
      hint: 'Run the command again; a bill can be downloaded as often as needed.',
    });
  if (!(e instanceof WxpayError) && (e as NodeJS.ErrnoException).path) {
    return new WxpayError('USAGE', `Cannot write ${output ?? 'the bill'}: ${(e as Error).message}`, {
      cause: e,
      hint: 'Check the folder permissions and the free disk space.',
    });
  }
  return e;
}

function report(ctx: CommandContext<BillOptions>, what: string, format: BillFormat, got: ReceivedBill): void {
  const out = outputFor(ctx);
  const { opts } = ctx;
  if (out.json) {
    // Without --output, stdout already carries the bill (a JSON document) itself.
    if (opts.output)
      out.data({
        bill: what,
        format,
        output: got.target,
        rows: got.rows,
        sha1: got.sha1,
        bytesReceived: got.bytesReceived,
        bytesUncompressed: got.bytesUncompressed,
        summary: got.summary ?? null,
        totalsMismatch: got.totalsMismatch,
      });
    return;
  }
  // With the bill on stdout, everything else goes to stderr.
  const say = (text: string) => (opts.output ? out.line(text) : out.note(text));
  if (opts.output)
    say(
      `${what}: ${got.rows} row${got.rows === 1 ? '' : 's'}, SHA1 verified (${got.sha1}); wrote ${opts.output} (${format})`,
    );
  if (opts.summary && got.summary) {
    const rows: Array<[string, string]> = Object.entries(got.summary).map(([k, v]) => [k, String(v)]);
    if (opts.output) out.table(rows);
    else for (const [k, v] of rows) out.note(`${k.padEnd(30)}  ${v}`);
  }
}
