// The middle of receiveBill's pipeline: hashes the uncompressed bytes (SHA1, as hash_value is), parses the bill
// text, sums its rows against the summary line and (unless raw) formats the records for the output file. A plain
// detail row goes from the gunzipped bytes to the output bytes (row-bytes.ts); every other line, and any line that
// is not valid UTF-8, is decoded and goes through BillParser and the formatter, which define the result.
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ByteSink } from './byte-sink.js';
import { LineFeed } from './line-feed.js';
import { BillParser, type BillRecord } from './parse.js';
import { RowSpan, scanRow } from './row-bytes.js';
import { BillTotals } from './totals.js';
import { createFormatter, typedSummary, type BillFormat, type RowBytes, type TypedSummary } from './writers.js';

export interface ConversionResult {
  bytesReceived: number;
  bytesUncompressed: number;
  summary: TypedSummary | undefined;
  /** Summary fields that differ from the sum of the rows. */
  mismatch: Array<{ key: string; file: string; rows: string }>;
}

/** `output` receives the formatted file (none for raw, whose bytes are copied as received). */
export function createConverter(format: BillFormat, output?: Writable) {
  const sha1 = createHash('sha1');
  const parser = new BillParser();
  const totals = new BillTotals();
  const formatter = format === 'raw' ? undefined : createFormatter(format);
  const result: ConversionResult = { bytesReceived: 0, bytesUncompressed: 0, summary: undefined, mismatch: [] };
  const out = new ByteSink();
  const span = new RowSpan();
  let rowBytes: RowBytes | undefined;
  let parseError: unknown;

  const records = (recs: BillRecord[]): void => {
    tally(recs, totals, result);
    if (formatter) {
      out.text(formatter.push(recs));
      rowBytes ??= formatter.rowBytes();
    }
  };
  const feed = new LineFeed((buf, s, e, utf8) => {
    const end = e > s && buf[e - 1] === 13 ? e - 1 : e;
    if (utf8 && scanRow(buf, s, end, span) && parser.acceptRow(span.count)) {
      totals.addSpan(buf, span);
      if (rowBytes) writeRow(out, rowBytes, buf, span);
    } else records(parser.pushLine(buf.toString('utf8', s, e)));
  });
  // A parse error stops parsing but not hashing, so a corrupted download is reported as a hash mismatch rather
  // than as a confusing parse error.
  const parse = (step: () => void): Buffer | undefined => {
    if (parseError) return undefined;
    try {
      step();
    } catch (e) {
      parseError = e;
    }
    return out.take();
  };
  // The last stage of the pipeline: it writes the file itself (and ends it) so that it knows when a buffer is free.
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      result.bytesUncompressed += chunk.length;
      sha1.update(chunk);
      writeOut(
        output,
        out,
        parse(() => feed.push(chunk)),
        cb,
      );
    },
    final(cb) {
      const last = parse(() => {
        feed.end();
        records(parser.end());
        if (formatter) out.text(formatter.finish());
      });
      writeOut(output, out, last, () => endOutput(output, cb));
    },
  });
  return { stream, sha1, parser, result, parseError: (): unknown => parseError };
}

/** Writes buf with backpressure; the buffer returns to the sink once the file has it. */
function writeOut(output: Writable | undefined, sink: ByteSink, buf: Buffer | undefined, cb: () => void): void {
  if (!buf || !output) cb();
  else if (output.write(buf, () => sink.recycle(buf))) cb();
  else output.once('drain', cb);
}

/** Ends the file and waits until it is written and closed (nothing to do for raw). */
function endOutput(output: Writable | undefined, cb: (err?: Error | null) => void): void {
  if (!output) {
    cb();
    return;
  }
  finished(output).then(() => cb(), cb);
  output.end();
}

/** The parsed records' share of the totals, and the summary they are checked against. */
function tally(recs: BillRecord[], totals: BillTotals, result: ConversionResult): void {
  for (const r of recs) {
    if (r.type === 'header') totals.header(r.columns);
    else if (r.type === 'row') totals.add(r.values);
    else {
      result.summary = typedSummary(r.columns, r.values);
      result.mismatch = totals.mismatches(r.columns, r.values);
    }
  }
}

/** One detail row in the output format, its values copied from the file's bytes (row-bytes.ts says when). */
function writeRow(out: ByteSink, rb: RowBytes, buf: Buffer, span: RowSpan): void {
  const n = span.count;
  const open = rb.open();
  // Room for the values (at most the line), the pieces around them, and csv's quotes.
  out.reserve(open.length + rb.fixed + span.end[n - 1]! - span.start[0]!);
  out.bytes(open);
  for (let i = 0; i < n; i++) {
    const s = span.start[i]!;
    const e = span.end[i]!;
    if (i) out.bytes(rb.sep[i]!);
    const quote = rb.quoteCommas && hasComma(buf, s, e);
    if (quote) out.bytes(QUOTE);
    out.range(buf, s, e);
    if (quote) out.bytes(QUOTE);
  }
  out.bytes(rb.close);
}

const QUOTE = Buffer.from('"');

function hasComma(buf: Buffer, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (buf[i] === 0x2c) return true;
  return false;
}
