// The middle of receiveBill's pipeline: hashes the uncompressed bytes (SHA1, as hash_value is), parses the bill
// text, sums its rows against the summary line and (unless raw) formats the records for the output file. A plain
// detail row goes from the gunzipped bytes to the output bytes (row-bytes.ts); every other line, and any line that
// is not valid UTF-8, is decoded and goes through BillParser and the formatter, which define the result.
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
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

export function createConverter(format: BillFormat) {
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
  const stream = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      result.bytesUncompressed += chunk.length;
      sha1.update(chunk);
      cb(
        null,
        parse(() => feed.push(chunk)),
      );
    },
    flush(cb) {
      cb(
        null,
        parse(() => {
          feed.end();
          records(parser.end());
          if (formatter) out.text(formatter.finish());
        }),
      );
    },
  });
  return { stream, sha1, parser, result, parseError: (): unknown => parseError };
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
