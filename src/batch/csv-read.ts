// Batch input, step 1: bytes -> text -> records with line numbers. A file that is not UTF-8 (a GBK export
// from Excel is the usual case) is refused line by line instead of being read as mojibake order numbers.
import { parse } from 'csv-parse/sync';

export interface CsvProblem {
  line: number;
  message: string;
}

export interface CsvRecord {
  /** 1-based line where the record starts. */
  line: number;
  fields: string[];
}

export interface CsvTable {
  header: string[];
  records: CsvRecord[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Every line that is not valid UTF-8, with the first bad byte, so the operator can find it in an editor. */
export function nonUtf8Lines(bytes: Uint8Array, limit = 10_000): CsvProblem[] {
  const problems: CsvProblem[] = [];
  let start = 0;
  for (let line = 1; start <= bytes.length && problems.length < limit; line++) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    const slice = bytes.subarray(start, end);
    try {
      utf8.decode(slice);
    } catch {
      const at = firstBadByte(slice);
      problems.push({
        line,
        message: `not valid UTF-8 (byte 0x${slice[at]?.toString(16).toUpperCase().padStart(2, '0')} at column ${at + 1}); save the file as UTF-8 (Excel: "CSV UTF-8")`,
      });
    }
    start = end + 1;
  }
  return problems;
}

/** Where the first malformed UTF-8 sequence starts (lead byte, then the continuation bytes it needs). */
function firstBadByte(b: Uint8Array): number {
  for (let i = 0; i < b.length;) {
    const c = b[i]!;
    const need =
      c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) if (i + k >= b.length || (b[i + k]! & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  // Well-formed bytes the strict decoder still refuses (overlong forms, surrogates): point at the line start.
  return 0;
}

/** 1-based line of `offset` (CRLF, LF and a lone CR each end a line). */
const lineAt = (text: string, offset: number): number => (text.slice(0, offset).match(/\r\n|\r|\n/g)?.length ?? 0) + 1;

/** Where the quote that is never closed opens: quotes toggle (a doubled "" inside a field toggles twice). */
function openQuoteAt(text: string): number {
  let open = -1;
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) open = open < 0 ? i : -1;
  return Math.max(0, open);
}

/** Parses CSV bytes; returns the problems instead when the file cannot be read as a table at all. */
export function readCsv(bytes: Uint8Array): { table: CsvTable } | { problems: CsvProblem[] } {
  const bad = nonUtf8Lines(bytes);
  if (bad.length) return { problems: bad };
  let rows: Array<{ record: string[]; info: { lines: number } }>;
  try {
    rows = parse(Buffer.from(bytes), {
      bom: true,
      info: true,
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as typeof rows;
  } catch (e) {
    const err = e as { code?: string; lines?: number; message: string };
    const text = Buffer.from(bytes).toString('utf8');
    // csv-parse counts CR and LF of a CRLF inside quotes as two lines, so its number can lie past the end of an
    // Excel (CRLF) file: point at the quote left open, else at most the last line.
    const line =
      err.code === 'CSV_QUOTE_NOT_CLOSED'
        ? lineAt(text, openQuoteAt(text))
        : Math.min(err.lines ?? 1, lineAt(text, text.length));
    return {
      problems: [
        {
          line,
          message: `not readable as CSV: ${err.code === 'CSV_QUOTE_NOT_CLOSED' ? 'a quoted field opened here is never closed' : err.message}`,
        },
      ],
    };
  }
  // csv-parse reports the line where a record ends, counting a CRLF inside quotes twice (csv-crlf-in-quotes-line-number):
  // undo that for this and earlier records, then count back over the line breaks inside the record.
  let doubled = 0;
  const records = rows
    .map(({ record, info }) => {
      const crlf = record.reduce((n, f) => n + (f.match(/\r\n/g)?.length ?? 0), 0);
      const breaks = record.reduce((n, f) => n + (f.match(/\r\n|\r|\n/g)?.length ?? 0), 0);
      doubled += crlf;
      return { line: info.lines - doubled - breaks, fields: record };
    })
    .filter((r) => r.fields.some((f) => f !== ''));
  const first = records.shift();
  if (!first)
    return { problems: [{ line: 1, message: 'the file is empty: expected a header line and at least one row' }] };
  return { table: { header: first.fields, records } };
}
