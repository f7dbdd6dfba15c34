// Output formats for a parsed bill (docs/protocol.md §5). Each formatter turns a batch of parser records into text
// as they arrive, so nothing accumulates: csv = the same lines without backticks, RFC 4180 quoting; json =
// one document {kind, bill_type, columns, rows: [...], summary} written incrementally; ndjson = one typed
// row per line plus a final summary line, each with "record": "row" | "summary". Amounts stay strings of yuan.
import { keyOf, type BillKind, type TradeBillType } from './layout.js';
import type { BillRecord } from './parse.js';

export type BillFormat = 'raw' | 'csv' | 'json' | 'ndjson';
export const BILL_FORMATS: readonly BillFormat[] = ['raw', 'csv', 'json', 'ndjson'];

export type TypedRow = Record<string, string>;
export type TypedSummary = Record<string, string | number>;

const COUNT_KEYS = new Set(['total_count', 'income_count', 'expense_count']);

/** Row values under their English keys, every value a string (amounts in yuan, exactly as in the file). */
export function typedRow(keys: readonly string[], values: readonly string[]): TypedRow {
  const row: TypedRow = {};
  for (let i = 0; i < keys.length; i++) row[keys[i]!] = values[i] ?? '';
  return row;
}

/** The summary block; counts ("12", fund bills write "20.0") become numbers, amounts stay strings. */
export function typedSummary(columns: readonly string[], values: readonly string[]): TypedSummary {
  const out: TypedSummary = {};
  columns.forEach((c, i) => {
    const key = keyOf(c);
    const v = values[i] ?? '';
    out[key] = COUNT_KEYS.has(key) && /^\d+(\.0+)?$/.test(v) ? Number.parseInt(v, 10) : v;
  });
  return out;
}

const csvField = (v: string): string => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const csvLine = (values: readonly string[]): string => `${values.map(csvField).join(',')}\r\n`;

export interface BillFormatter {
  /** Text for these records (may be empty). */
  push(records: readonly BillRecord[]): string;
  /** Text that closes the document. */
  finish(): string;
  /** Once the header is known: the bytes around a row's values, for rows written straight from the file's bytes. */
  rowBytes(): RowBytes | undefined;
}

/**
 * A formatted row is open(), then each value i behind sep[i] (sep[0] is empty), then close: the same text push()
 * writes for a row whose values need no escaping. open() counts the row. csv also quotes a value holding a comma.
 */
export interface RowBytes {
  open(): Buffer;
  sep: Buffer[];
  close: Buffer;
  quoteCommas: boolean;
  /** Bytes of sep and close, plus csv's two quotes a value: all but open() and the values. */
  fixed: number;
}

/**
 * JSON text of a typed row, built directly (no intermediate object): '{"a":"1","b":""}'. A million rows
 * per bill makes the allocation worth avoiding; the output equals JSON.stringify(typedRow(keys, values)).
 */
export function rowJson(quotedKeys: readonly string[], values: readonly string[], prefix = '{'): string {
  let out = prefix;
  for (let i = 0; i < quotedKeys.length; i++)
    out += `${i ? ',' : ''}${quotedKeys[i]}${JSON.stringify(values[i] ?? '')}`;
  return `${out}}`;
}

export function createFormatter(format: Exclude<BillFormat, 'raw'>): BillFormatter {
  let keys: string[] = [];
  let quoted: string[] = [];
  let kind: BillKind | undefined;
  let tradeType: TradeBillType | undefined;
  let rows = 0;
  let summary: TypedSummary | undefined;
  const meta = () => ({ kind: kind ?? null, ...(kind === 'trade' ? { bill_type: tradeType ?? null } : {}) });
  return {
    push(records) {
      let out = '';
      for (const r of records) {
        if (r.type === 'header') {
          keys = r.columns.map(keyOf);
          quoted = keys.map((k) => `${JSON.stringify(k)}:`);
          kind = r.kind;
          tradeType = r.tradeType;
          if (format === 'csv') out += csvLine(r.columns);
          else if (format === 'json')
            out += `${JSON.stringify(meta()).slice(0, -1)},"columns":${JSON.stringify(keys)},"rows":[`;
        } else if (r.type === 'row') {
          if (format === 'csv') out += csvLine(r.values);
          else if (format === 'json') out += `${rows ? ',' : ''}\n${rowJson(quoted, r.values)}`;
          else out += `${rowJson(quoted, r.values, '{"record":"row",')}\n`;
          rows++;
        } else {
          summary = typedSummary(r.columns, r.values);
          if (format === 'csv') out += csvLine(r.columns) + csvLine(r.values);
          else if (format === 'ndjson') out += `${JSON.stringify({ record: 'summary', ...summary })}\n`;
        }
      }
      return out;
    },
    finish() {
      return format === 'json' ? `\n],"summary":${JSON.stringify(summary ?? null)}}\n` : '';
    },
    rowBytes() {
      if (!keys.length) return undefined;
      const [first, next] =
        format === 'csv' ? ['', ''] : format === 'json' ? ['\n{', ',\n{'] : ['{"record":"row",', '{"record":"row",'];
      const sep = (i: number) => (format === 'csv' ? (i ? ',' : '') : `${i ? '",' : ''}${quoted[i]!}"`);
      const opens = [Buffer.from(first + sep(0)), Buffer.from(next + sep(0))];
      const seps = keys.map((_, i) => Buffer.from(i ? sep(i) : ''));
      const close = Buffer.from(format === 'csv' ? '\r\n' : format === 'json' ? '"}' : '"}\n');
      return {
        open: () => opens[rows++ ? 1 : 0]!,
        sep: seps,
        close,
        quoteCommas: format === 'csv',
        fixed: seps.reduce((n, b) => n + b.length, close.length) + (format === 'csv' ? 2 * keys.length : 0),
      };
    },
  };
}
