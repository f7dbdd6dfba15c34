// The middle of receiveBill's pipeline: hashes the uncompressed bytes (SHA1, as hash_value is), parses the bill
// text, sums its rows against the summary line and (unless raw) formats the records for the output file.
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { BillParser } from './parse.js';
import { BillTotals } from './totals.js';
import { createFormatter, typedSummary, type BillFormat, type TypedSummary } from './writers.js';

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
  const decoder = new StringDecoder('utf8');
  const formatter = format === 'raw' ? undefined : createFormatter(format);
  const result: ConversionResult = { bytesReceived: 0, bytesUncompressed: 0, summary: undefined, mismatch: [] };
  let parseError: unknown;

  // Parses (and, unless raw, formats) the uncompressed text. A parse error stops parsing but not hashing,
  // so a corrupted download is reported as a hash mismatch rather than as a confusing parse error.
  const handle = (text: string, final: boolean): string => {
    if (parseError) return '';
    try {
      const records = [...parser.push(text), ...(final ? parser.end() : [])];
      for (const r of records) {
        if (r.type === 'header') totals.header(r.columns);
        else if (r.type === 'row') totals.add(r.values);
        else {
          result.summary = typedSummary(r.columns, r.values);
          result.mismatch = totals.mismatches(r.columns, r.values);
        }
      }
      return formatter ? formatter.push(records) + (final ? formatter.finish() : '') : '';
    } catch (e) {
      parseError = e;
      return '';
    }
  };
  const stream = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      result.bytesUncompressed += chunk.length;
      sha1.update(chunk);
      const out = handle(decoder.write(chunk), false);
      cb(null, out || undefined);
    },
    flush(cb) {
      const out = handle(decoder.end(), true);
      cb(null, out || undefined);
    },
  });
  return { stream, sha1, parser, result, parseError: (): unknown => parseError };
}
