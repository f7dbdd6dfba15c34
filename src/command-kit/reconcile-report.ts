// `bill reconcile`'s report in three formats, written as findings arrive (there may be millions) through a file
// descriptor with synchronous writes, so nothing piles up in memory. The file is the temp sibling of --out, renamed
// into place when complete (files/safe-write), or a file in the run's private folder that is then copied to stdout.
// Cells come from untrusted files: CSV cells that a spreadsheet would run as a formula are prefixed with ', and
// table cells are made terminal-safe and cut to a bounded width.
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { Finding, ReconcileStats } from '../reconcile/index.js';
import { terminalSafe } from '../render.js';

export type ReportFormat = 'table' | 'csv' | 'json';
export const REPORT_FORMATS: readonly ReportFormat[] = ['table', 'csv', 'json'];

const COLUMNS = ['category', 'out_trade_no', 'out_refund_no', 'bill', 'mine', 'time'] as const;
const WIDTHS = [24, 32, 32, 18, 12, 19];
const CELL_MAX = 64;

/** One CSV cell: formula starters (= + - @ tab CR) defused with a leading ', then RFC 4180 quoting. */
export function csvCell(value: string): string {
  const v = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** One table cell: escapes and control characters shown, never run; long values cut. */
export function tableCell(value: string, width: number): string {
  const safe = terminalSafe(value, { singleLine: true });
  const cut = safe.length > CELL_MAX ? `${safe.slice(0, CELL_MAX - 1)}…` : safe;
  return cut.padEnd(width);
}

const cells = (f: Finding): string[] => COLUMNS.map((c) => f[c] ?? '');

export class ReportWriter {
  private fd: number;
  private pending: string[] = [];
  private size = 0;
  private first = true;

  constructor(
    readonly file: string,
    private readonly format: ReportFormat,
    meta: Record<string, unknown>,
  ) {
    this.fd = openSync(file, 'wx', 0o600);
    if (format === 'csv') this.put(`${COLUMNS.join(',')}\n`);
    else if (format === 'table')
      this.put(
        `${COLUMNS.map((c, i) => c.padEnd(WIDTHS[i]!))
          .join(' ')
          .trimEnd()}\n`,
      );
    else this.put(`${JSON.stringify(meta).slice(0, -1)}${Object.keys(meta).length ? ',' : ''}"findings":[`);
  }

  private put(text: string): void {
    this.pending.push(text);
    this.size += text.length;
    if (this.size > 64 * 1024) this.flush();
  }

  private flush(): void {
    if (this.pending.length) writeSync(this.fd, this.pending.join(''));
    this.pending = [];
    this.size = 0;
  }

  add(f: Finding): void {
    if (this.format === 'csv') this.put(`${cells(f).map(csvCell).join(',')}\n`);
    else if (this.format === 'table')
      this.put(
        `${cells(f)
          .map((c, i) => tableCell(c, WIDTHS[i]!))
          .join(' ')
          .trimEnd()}\n`,
      );
    else {
      this.put(`${this.first ? '' : ','}\n${JSON.stringify(f)}`);
      this.first = false;
    }
  }

  /** Writes the totals (json, table), syncs and closes the file. */
  finish(stats: ReconcileStats): void {
    if (this.format === 'json') this.put(`\n],${JSON.stringify(stats).slice(1)}\n`);
    else if (this.format === 'table') {
      const total = Object.values(stats.counts).reduce((a, b) => a + b, 0);
      this.put(`${total === 0 ? '(no differences)\n' : ''}\n`);
      for (const [k, v] of Object.entries(stats.counts)) this.put(`${k.padEnd(WIDTHS[0]!)} ${v}\n`);
    }
    this.flush();
    fsyncSync(this.fd);
    this.close();
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
