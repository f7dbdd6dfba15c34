// What a batch shows: the one confirmation (row count and total amount), the --dry-run listing of requests,
// the summary table (or its NDJSON event with --json), and the exact command that resumes a stopped batch.
import { requestOf, type OpsSettings } from '../batch/ops.js';
import type { PlannedRow } from '../batch/plan.js';
import type { BatchSummary } from '../batch/summary.js';
import type { BatchKind } from '../batch/types.js';
import type { WxpayClient } from '../http/client.js';
import { WxpayError } from '../protocol/errors.js';
import { terminalSafe } from '../render.js';
import type { CommandContext } from '../runtime.js';
import { formatYuan } from './amount.js';
import type { BatchOptions, BatchSettings } from './batch-options.js';
import { outputFor, readLine } from './shared.js';
import { refundQueryRequest } from '../api/refunds.js';
import { transferQueryPath } from '../api/transfers.js';

const COMMAND: Record<BatchKind, string> = {
  refund: 'wxpay refund create',
  query: 'wxpay query',
  close: 'wxpay close',
  transfer: 'wxpay transfer create',
};
const VERB: Record<BatchKind, string> = { refund: 'Refund', query: 'Query', close: 'Close', transfer: 'Transfer' };
/** Batches that move money: their confirmation and dry run show the total. */
const MONEY = new Set<BatchKind>(['refund', 'transfer']);

const fenText = (fen: number) => `${fen} fen (${formatYuan(fen)} CNY)`;

/**
 * Refunds and closes change money or orders: ask once on a TTY; without one, --yes is required. Queries only read.
 * True to go ahead. Declining is a decision, not an error (as for `refund create`): "nothing was sent", exit 0.
 */
export async function confirmBatch(
  ctx: CommandContext<BatchOptions>,
  kind: BatchKind,
  plan: readonly PlannedRow[],
  baseUrl: string,
): Promise<boolean> {
  const todo = plan.filter((p) => p.action === 'send' || p.action === 'verify');
  if (kind === 'query' || ctx.opts.yes || !todo.length) return true;
  if (!ctx.rt.stdin.isTTY) {
    throw new WxpayError('USAGE', `Refusing to ${kind} ${todo.length} rows without confirmation: no TTY and no --yes`, {
      hint: 'Check the file with --dry-run, then add --yes in scripts and CI.',
    });
  }
  const amount = todo.reduce((sum, p) => sum + (p.row.amount ?? 0), 0);
  const done = plan.length - todo.length;
  const what = MONEY.has(kind) ? `${todo.length} rows, ${fenText(amount)} in total,` : `${todo.length} orders`;
  const where = terminalSafe(baseUrl, { singleLine: true });
  ctx.rt.stderr.write(
    `${VERB[kind]} ${what} at ${where}${done ? ` (${done} more rows are already done per the journal)` : ''}? [y/N] `,
  );
  if (/^y(es)?$/i.test(await readLine(ctx.rt))) return true;
  ctx.rt.stderr.write('Batch not confirmed; nothing was sent.\n');
  return false;
}

export function printDryRun(
  ctx: CommandContext<BatchOptions>,
  kind: BatchKind,
  client: WxpayClient,
  plan: readonly PlannedRow[],
  _s: BatchSettings,
  settings: OpsSettings = {},
): void {
  const out = outputFor(ctx);
  const counts = { send: 0, verify: 0, skip: 0 };
  let amount = 0;
  for (const p of plan) {
    counts[p.action === 'recheck' ? 'skip' : p.action]++;
    const req = requestOf(kind, client, p.row, settings);
    if (p.action === 'send' || p.action === 'verify') amount += p.row.amount ?? 0;
    if (out.json) {
      out.event({
        type: 'request',
        line: p.row.line,
        key: p.row.key,
        action: p.action,
        ...(p.result ? { status: p.result.status } : req),
      });
    } else if (p.result) {
      out.line(
        `line ${p.row.line}: already ${p.result.status} (journal), not sent${p.action === 'recheck' ? '; a real run reads its state again' : ''}`,
      );
    } else {
      const lookup =
        kind === 'transfer'
          ? transferQueryPath({ outBillNo: p.row.key })
          : refundQueryRequest(p.row.outRefundNo ?? '').path;
      const first = p.action === 'verify' ? `look up GET ${lookup}; if not found: ` : '';
      out.line(
        `line ${p.row.line}: ${first}${req.method} ${req.path}${req.body !== undefined ? ` ${JSON.stringify(req.body)}` : ''}`,
      );
    }
  }
  const total = MONEY.has(kind) ? `, ${fenText(amount)}` : '';
  const text = `dry run: nothing was sent. ${plan.length} rows: ${counts.send} to send, ${counts.verify} to look up first, ${counts.skip} already done${total}`;
  if (out.json) out.event({ type: 'dry-run', rows: plan.length, ...counts, ...(MONEY.has(kind) ? { amount } : {}) });
  else out.note(text);
}

export function printSummary(ctx: CommandContext<BatchOptions>, s: BatchSummary): void {
  const out = outputFor(ctx);
  if (out.json) return out.event({ type: 'summary', ...s });
  const sent = s.rows - s.fromJournal - s.pending;
  const codes = Object.entries(s.codes)
    .map(([c, n]) => `${c} ${n}`)
    .join(', ');
  out.table([
    ['rows', `${s.rows}${s.fromJournal ? ` (${s.fromJournal} finished by an earlier run, not sent again)` : ''}`],
    ['succeeded', String(s.succeeded)],
    ['rejected', String(s.rejected)],
    ['unknown', String(s.unknown)],
    ['not sent', String(s.pending)],
    ...(codes ? [['codes', codes] as [string, string]] : []),
    ...(s.amount !== undefined ? [['refunded', fenText(s.amount)] as [string, string]] : []),
    ['result file', s.result],
    ...(s.journal ? [['journal', s.journal] as [string, string]] : []),
    [
      'time',
      `${(s.elapsedMs / 1000).toFixed(1)} s${sent > 0 && s.elapsedMs > 0 ? ` (${((sent * 1000) / s.elapsedMs).toFixed(1)} rows/s)` : ''}`,
    ],
  ]);
}

/** The command that picks a stopped batch up where it left off (same file, same journal, same profile). */
export function resumeHint(
  kind: BatchKind,
  o: BatchOptions & { profile?: string; config?: string; baseUrl?: string },
): string {
  const q = (s: string) => (/^[\w./:@=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  const parts = [COMMAND[kind], '--from', q(o.from!)];
  // The same confirmation as the first run: a script that passed --yes must not hang on a prompt when resumed.
  if (o.yes) parts.push('--yes');
  if (o.allowAdditionalRefund) parts.push('--allow-additional-refund');
  if (o.journal) parts.push('--journal', q(o.journal));
  if (o.profile) parts.push('--profile', q(o.profile));
  if (o.config) parts.push('--config', q(o.config));
  if (o.baseUrl) parts.push('--base-url', q(o.baseUrl));
  if (o.concurrency) parts.push('--concurrency', String(o.concurrency));
  if (o.rate) parts.push('--rate', String(o.rate));
  return parts.join(' ');
}
