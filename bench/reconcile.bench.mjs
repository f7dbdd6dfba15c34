#!/usr/bin/env node
// bill reconcile (issue 17): a raw ALL trade bill of N payment rows (plus a refund every 100th), the merchant's
// CSV of the same N orders (one missing, one extra, one wrong amount per 100,000) and a journal of N callbacks (one
// lost per 100,000) are generated, then `wxpay bill reconcile --bill … --orders … --journal … --out report.csv` runs
// in a child whose wall time and peak RSS are measured (GNU time -v when present, else the child reports
// process.resourceUsage().maxRSS through bench/bill-rss-probe.mjs). Beside it, in the same run and on the same
// files: `LC_ALL=C sort` of the three files (what a by-hand sort-merge would start with).
// Usage: npm run build && node bench/reconcile.bench.mjs [rows=1000000] [--keep]
// Prints a markdown table for BENCHMARKS.md; exits 1 if the RSS limit (300 MB) is exceeded or the findings differ.
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanEnv, machineLine, runMeasured } from './measured-child.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { TRADE_COLUMNS, TRADE_SUMMARY_COLUMNS } = await import(path.join(root, 'dist/bills/layout.js'));
const rows = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const keep = process.argv.includes('--keep');
const RSS_LIMIT_MB = 300;
const dir = mkdtempSync(path.join(os.tmpdir(), 'wxpay-bench-reconcile-'));
const MB = 1024 * 1024;

/** Writes lines from a generator through a stream, respecting backpressure. */
async function writeLines(file, gen) {
  const out = createWriteStream(file);
  let buf = '';
  for (const line of gen) {
    buf += `${line}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

const no = (i) => `BENCH${String(i).padStart(10, '0')}`;
const fen = (i) => 100 + (i % 9000);
const yuan = (f) => `${Math.floor(f / 100)}.${String(f % 100).padStart(2, '0')}`;
const every = 100_000;

function* bill() {
  const cols = TRADE_COLUMNS.ALL;
  yield cols.join(',');
  const at = Object.fromEntries(cols.map((c, i) => [c, i]));
  const base = cols.map(() => '`0.00');
  for (let i = 0; i < rows; i++) {
    const r = [...base];
    r[at['交易时间']] = '`2026-12-01 10:00:00';
    r[at['商户订单号']] = `\`${no(i)}`;
    r[at['交易状态']] = '`SUCCESS';
    r[at['订单金额']] = `\`${yuan(fen(i))}`;
    r[at['商品名称']] = '`Tea, large';
    yield r.join(',');
    if (i % 100 === 50) {
      r[at['交易状态']] = '`REFUND';
      r[at['商户退款单号']] = `\`R${no(i)}`;
      r[at['退款金额']] = `\`${yuan(fen(i))}`;
      r[at['退款状态']] = '`SUCCESS';
      r[at['订单金额']] = '`0.00';
      yield r.join(',');
    }
  }
  const sum = TRADE_SUMMARY_COLUMNS.ALL;
  yield sum.join(',');
  yield sum.map(() => '`0').join(',');
}

// Per 100,000 orders: #1 missing from the merchant's file, #2 with an amount off by 1 fen, one extra order;
// #3's payment callback lost. Refunded orders are marked REFUND (their refund callbacks are all there).
function* mine() {
  yield 'order_id,total_fen,status';
  for (let i = 0; i < rows; i++) {
    if (i % every === 1) continue;
    yield `${no(i)},${fen(i) + (i % every === 2 ? 1 : 0)},${i % 100 === 50 ? 'REFUND' : 'PAID'}`;
    if (i % every === 0) yield `EXTRA${i},100,PAID`;
  }
}

function* journal() {
  for (let i = 0; i < rows; i++) {
    if (i % every === 3) continue;
    const resource = { mchid: '1900000001', out_trade_no: no(i), transaction_id: `42${i}`, trade_state: 'SUCCESS' };
    yield JSON.stringify({ id: `EV${i}`, event_type: 'TRANSACTION.SUCCESS', resource, outcome: 'accepted' });
    if (i % 100 === 50)
      yield JSON.stringify({
        id: `EVR${i}`,
        event_type: 'REFUND.SUCCESS',
        resource: { out_trade_no: no(i), out_refund_no: `R${no(i)}`, refund_status: 'SUCCESS' },
        outcome: 'accepted',
      });
  }
}

const cli = (args) => runMeasured(args, { cwd: dir, env: cleanEnv({ TMPDIR: dir }) });

let failed;
try {
  const files = {
    bill: path.join(dir, 'bill.csv'),
    mine: path.join(dir, 'mine.csv'),
    journal: path.join(dir, 'j.ndjson'),
  };
  await writeLines(files.bill, bill());
  await writeLines(files.mine, mine());
  await writeLines(files.journal, journal());
  const size = (f) => statSync(f).size / MB;

  const t0 = process.hrtime.bigint();
  execFileSync(
    'bash',
    ['-c', 'LC_ALL=C sort "$1" "$2" "$3" > /dev/null', 'bench', files.bill, files.mine, files.journal],
    {
      env: { ...process.env, TMPDIR: dir },
    },
  );
  const sortSeconds = Number(process.hrtime.bigint() - t0) / 1e9;

  const run = await cli([
    'bill',
    'reconcile',
    '--date',
    '2026-12-01',
    '--bill',
    files.bill,
    '--orders',
    files.mine,
    '--journal',
    files.journal,
    '--map',
    'out_trade_no=order_id,amount=total_fen,state=status',
    '--out',
    'report.csv',
  ]);
  const report = existsSync(path.join(dir, 'report.csv')) ? readFileSync(path.join(dir, 'report.csv'), 'utf8') : '';
  const found = report.trim().split('\n').slice(1);
  const blocks = Math.ceil(rows / every);
  const expected = 4 * blocks;
  failed = run.code !== 8 || found.length !== expected || !(run.rssMB < RSS_LIMIT_MB);
  if (run.code !== 8) console.error(run.stderr);

  console.log(machineLine());
  console.log(
    '| orders | bill | merchant file | journal | `wxpay bill reconcile` | peak RSS | `LC_ALL=C sort` of the 3 files | findings (expected) |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
  console.log(
    `| ${rows.toLocaleString('en')} | ${size(files.bill).toFixed(0)} MB | ${size(files.mine).toFixed(0)} MB | ${size(files.journal).toFixed(0)} MB | ${run.seconds.toFixed(1)} s | ${run.rssMB.toFixed(0)} MB | ${sortSeconds.toFixed(1)} s | ${found.length} (${expected}) |`,
  );
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
  else console.error(`kept ${dir}`);
}
process.exit(failed ? 1 : 0);
