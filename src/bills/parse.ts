// docs/protocol.md §5 "Bill file layout": an incremental parser for trade and fund-flow bills. It takes text in
// chunks of any size and returns records as lines complete, so a 300 MB bill never sits in memory:
// the header, the detail rows (every field starts with a backtick, which is stripped), and the summary
// block (its own header line, then one row). Product names may hold commas, so a field may be CSV-quoted,
// either around the backtick ("`a,b") or after it (`"a,b"), or left bare (a field ends only where the next
// backtick field starts). Fund bills write CR/LF inside values as the
// two characters \r and \n; those are turned back into real line breaks.
import { detectLayout, SUMMARY_FIRST_COLUMNS, type BillKind, type TradeBillType } from './layout.js';
import { parseBillLine } from './fields.js';

export { parseBillLine, splitFields } from './fields.js';

export type BillRecord =
  | { type: 'header'; columns: string[]; kind?: BillKind; tradeType?: TradeBillType }
  | { type: 'row'; values: string[]; line: number }
  | { type: 'summary'; columns: string[]; values: string[] };

export class BillParseError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

type State = 'header' | 'rows' | 'summary-row' | 'done';

export class BillParser {
  private rest = '';
  private pending = '';
  private lineNo = 0;
  private state: State = 'header';
  private width = 0;
  private summaryColumns: string[] = [];
  kind: BillKind | undefined;
  rows = 0;

  /** Feeds decoded text; returns the records completed by it. */
  push(text: string): BillRecord[] {
    const out: BillRecord[] = [];
    const data = this.rest + text;
    let start = 0;
    for (let nl = data.indexOf('\n', start); nl >= 0; nl = data.indexOf('\n', start)) {
      this.line(data.slice(start, nl), out);
      start = nl + 1;
    }
    this.rest = data.slice(start);
    return out;
  }

  /** Feeds one whole line (without its "\n"); returns the records it completed. */
  pushLine(line: string): BillRecord[] {
    const out: BillRecord[] = [];
    this.line(line, out);
    return out;
  }

  /**
   * Counts a detail row of `fields` fields that the byte fast path (row-bytes.ts) split, if it is one here: the
   * parser is among the rows, no quoted field is open, and the width is the header's. Else the line must be
   * fed to pushLine, which reports what is wrong with it.
   */
  acceptRow(fields: number): boolean {
    if (this.state !== 'rows' || this.pending || fields !== this.width) return false;
    this.lineNo++;
    this.rows++;
    return true;
  }

  /** Call at the end of the input; throws if the file stopped before its summary block. */
  end(): BillRecord[] {
    const out: BillRecord[] = [];
    if (this.rest) this.line(this.rest, out);
    this.rest = '';
    if (this.pending) throw new BillParseError('a quoted field is never closed', this.lineNo);
    if (this.state !== 'done') {
      throw new BillParseError(
        this.state === 'header' ? 'the bill is empty' : 'the bill ends without its summary block (truncated?)',
        this.lineNo,
      );
    }
    return out;
  }

  private line(raw: string, out: BillRecord[]): void {
    this.lineNo++;
    let line = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    if (this.pending) {
      line = `${this.pending}\n${line}`;
      this.pending = '';
    }
    if (this.lineNo === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (line === '' && this.state !== 'header') return;
    const fields = parseBillLine(line, this.kind);
    if (!fields) {
      this.pending = line;
      return;
    }
    switch (this.state) {
      case 'header': {
        const layout = detectLayout(fields);
        this.kind = layout?.kind;
        this.width = fields.length;
        this.state = 'rows';
        out.push({
          type: 'header',
          columns: fields,
          ...(layout?.kind ? { kind: layout.kind } : {}),
          ...(layout?.type ? { tradeType: layout.type } : {}),
        });
        return;
      }
      case 'rows': {
        const ticked = line.charCodeAt(0) === 96 || line.startsWith('"`');
        if (!ticked && SUMMARY_FIRST_COLUMNS.includes(fields[0] ?? '')) {
          this.summaryColumns = fields;
          this.state = 'summary-row';
          return;
        }
        if (!ticked) throw new BillParseError('a detail row must start with a backtick (`)', this.lineNo);
        if (fields.length !== this.width)
          throw new BillParseError(`${fields.length} fields, but the header has ${this.width}`, this.lineNo);
        this.rows++;
        out.push({ type: 'row', values: fields, line: this.lineNo });
        return;
      }
      case 'summary-row':
        if (fields.length !== this.summaryColumns.length) {
          throw new BillParseError(
            `the summary row has ${fields.length} fields, its header ${this.summaryColumns.length}`,
            this.lineNo,
          );
        }
        this.state = 'done';
        out.push({ type: 'summary', columns: this.summaryColumns, values: fields });
        return;
      case 'done':
        throw new BillParseError('unexpected text after the summary row', this.lineNo);
    }
  }
}
