#!/usr/bin/env node
// Bill streaming (issues 7 and 19): a gzip trade bill of N seeded rows (1,000,000 ≈ 300 MB uncompressed) is
// downloaded, gunzipped, SHA1-checked and converted to NDJSON by `wxpay bill trade`, in a child process whose peak
// RSS is measured (GNU time -v when present, else the child reports process.resourceUsage().maxRSS through
// bench/bill-rss-probe.mjs). The client is measured alone: the bill is pre-built once from the sandbox's own
// generator (that run is the "sandbox generation" figure: the gzip stream of N rows, produced and written to a
// file), then served by a static file server (bench/bill-static-server.mjs) that passes only the apply call on to
// the sandbox. Beside it, in the same run and on the same file: `gunzip -c | sha1sum`. A first CLI run
// (--format raw) warms the sandbox's hash cache (it hashes a seeded bill on the first apply).
// Usage: npm run build && node bench/bill-stream.mjs [rows=1000000] [--keep]
// Prints a markdown table for BENCHMARKS.md; exits 1 if the RSS limit (80 MB) is exceeded, hashes differ or rows
// are missing.
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStaticBillServer } from './bill-static-server.mjs';
import { cleanEnv, machineLine, runMeasured } from './measured-child.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { initSandbox } = await import(path.join(root, 'dist/sandbox/keyset.js'));
const { startSandbox } = await import(path.join(root, 'dist/sandbox/server.js'));
const { billStream } = await import(path.join(root, 'dist/sandbox/bills.js'));
const rows = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const keep = process.argv.includes('--keep');
const RSS_LIMIT_MB = 80;
const dir = mkdtempSync(path.join(os.tmpdir(), 'wxpay-bench-bill-'));
const MB = 1024 * 1024;

/** Runs the CLI against `url`. The sandbox hashes a seeded bill on the first apply (seconds at 1,000,000 rows):
 *  no 30 s timeout here. */
const cli = (url, args) =>
  runMeasured(args, { cwd: dir, env: cleanEnv({ WXPAY_BASE_URL: url, WXPAY_TIMEOUT_MS: '600000' }) });

/** The sandbox's gzip stream of the seeded day (the spec its apply call builds), written to `file`; timed. */
async function generate(batch, file) {
  const spec = {
    kind: 'trade',
    tradeType: 'ALL',
    account: 'BASIC',
    events: { payments: [], refunds: [], synthetic: [batch] },
  };
  const t0 = process.hrtime.bigint();
  await pipeline(billStream(spec, { gzip: true }), createWriteStream(file));
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** `gunzip -c file | sha1sum`, timed as a whole. */
function baseline(file) {
  const t0 = process.hrtime.bigint();
  const out = execFileSync('bash', ['-c', 'set -o pipefail; gunzip -c "$1" | sha1sum', 'bench', file], {
    encoding: 'utf8',
  });
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, sha1: out.split(/\s/)[0] };
}

await initSandbox({ dir });
// 127.0.0.2: the static server takes the same port on 127.0.0.1 (bench/bill-static-server.mjs says why).
const sb = await startSandbox({ dir, host: '127.0.0.2', port: 0 });
let front;
let failed;
try {
  const date = new Date(Date.now() + 8 * 3600_000 - 86_400_000).toISOString().slice(0, 10);
  const seeded = await fetch(`${sb.url}/sandbox/bills/seed`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ date, count: rows, refundEvery: 0 }),
  });
  if (!seeded.ok) throw new Error(`seed failed: ${await seeded.text()}`);
  const gzFile = path.join(dir, 'prebuilt.csv.gz');
  const genSeconds = await generate((await seeded.json()).seeded[0], gzFile);
  front = await startStaticBillServer({ sandboxUrl: sb.url, file: gzFile });
  const base = ['bill', 'trade', '--date', date, '--gzip', '--json'];

  const warm = await cli(front.url, [...base, '--format', 'raw', '--output', 'bill.csv.gz']);
  if (warm.code !== 0) throw new Error(`raw download failed (${warm.code}): ${warm.stderr}`);
  const raw = JSON.parse(warm.stdout);
  const b = baseline(gzFile);

  const run = await cli(front.url, [...base, '--format', 'ndjson', '--output', 'bill.ndjson']);
  if (run.code !== 0) throw new Error(`ndjson run failed (${run.code}): ${run.stderr}`);
  const report = JSON.parse(run.stdout);
  const uncompressedMB = report.bytesUncompressed / MB;
  const sameHash = b.sha1 === report.sha1 && raw.sha1 === report.sha1;
  const rssOk = run.rssMB <= RSS_LIMIT_MB;
  failed = !sameHash || !rssOk || report.rows !== rows;

  const f = (n, d = 1) => n.toFixed(d);
  console.log(machineLine());
  console.log(
    '| rows | uncompressed | gzip | `wxpay bill trade --gzip --format ndjson` (static server) | MB/s (uncompressed) | peak RSS | `gunzip -c \\| sha1sum` | MB/s | client / baseline | sandbox generation (gzip) | generation MB/s | SHA1s agree |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|');
  console.log(
    `| ${rows.toLocaleString('en')} | ${f(uncompressedMB)} MB | ${f(statSync(gzFile).size / MB)} MB | ${f(run.seconds, 2)} s | ${f(uncompressedMB / run.seconds)} | ${f(run.rssMB)} MB ${rssOk ? `(≤ ${RSS_LIMIT_MB} ✓)` : `(> ${RSS_LIMIT_MB} ✗)`} | ${f(b.seconds, 2)} s | ${f(uncompressedMB / b.seconds)} | ${f((100 * b.seconds) / run.seconds, 0)}% | ${f(genSeconds, 2)} s | ${f(uncompressedMB / genSeconds)} | ${sameHash ? 'yes' : 'NO'} |`,
  );
  console.log(
    `\nndjson output: ${f(statSync(path.join(dir, 'bill.ndjson')).size / MB)} MB, ${report.rows} rows; raw run (download + verify, .gz kept as sent; the sandbox hashes the bill on this first apply): ${f(warm.seconds, 2)} s, peak RSS ${f(warm.rssMB)} MB`,
  );
} finally {
  await front?.close();
  await sb.close();
  if (keep) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
