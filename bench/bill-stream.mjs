#!/usr/bin/env node
// Bill streaming (issue 7): a gzip trade bill of N seeded rows (1,000,000 ≈ 300 MB uncompressed) is downloaded
// from the sandbox, gunzipped, SHA1-checked and converted to NDJSON by `wxpay bill trade`, in a child process
// whose peak RSS is measured (GNU time -v when present, else the child reports process.resourceUsage().maxRSS
// through bench/bill-rss-probe.mjs). Beside it, in the same run and on the same file: `gunzip -c | sha1sum`.
// The sandbox runs in this process (gzip level 1) and caches the SHA1 it computes at apply time; a first CLI
// run (--format raw) warms that cache and saves the .gz for the baseline.
// Usage: npm run build && node bench/bill-stream.mjs [rows=1000000] [--keep]
// Prints a markdown table for BENCHMARKS.md; exits 1 if the RSS limit (150 MB) is exceeded or hashes differ.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanEnv, machineLine, runMeasured } from './measured-child.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { initSandbox } = await import(path.join(root, 'dist/sandbox/keyset.js'));
const { startSandbox } = await import(path.join(root, 'dist/sandbox/server.js'));
const rows = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const keep = process.argv.includes('--keep');
const RSS_LIMIT_MB = 150;
const dir = mkdtempSync(path.join(os.tmpdir(), 'wxpay-bench-bill-'));
const MB = 1024 * 1024;

/** Runs the CLI against the sandbox. It hashes a seeded bill on the first apply (seconds at 1,000,000 rows): no
 *  30 s timeout here. */
const cli = (args) =>
  runMeasured(args, { cwd: dir, env: cleanEnv({ WXPAY_BASE_URL: sb.url, WXPAY_TIMEOUT_MS: '600000' }) });

/** `gunzip -c file | sha1sum`, timed as a whole. */
function baseline(file) {
  const t0 = process.hrtime.bigint();
  const out = execFileSync('bash', ['-c', 'set -o pipefail; gunzip -c "$1" | sha1sum', 'bench', file], {
    encoding: 'utf8',
  });
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, sha1: out.split(/\s/)[0] };
}

await initSandbox({ dir });
const sb = await startSandbox({ dir, port: 0 });
let failed;
try {
  const date = new Date(Date.now() + 8 * 3600_000 - 86_400_000).toISOString().slice(0, 10);
  const seeded = await fetch(`${sb.url}/sandbox/bills/seed`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ date, count: rows, refundEvery: 0 }),
  });
  if (!seeded.ok) throw new Error(`seed failed: ${await seeded.text()}`);
  const base = ['bill', 'trade', '--date', date, '--gzip', '--json'];

  const warm = await cli([...base, '--format', 'raw', '--output', 'bill.csv.gz']);
  if (warm.code !== 0) throw new Error(`raw download failed (${warm.code}): ${warm.stderr}`);
  const raw = JSON.parse(warm.stdout);
  const gzFile = path.join(dir, 'bill.csv.gz');
  const b = baseline(gzFile);

  const run = await cli([...base, '--format', 'ndjson', '--output', 'bill.ndjson']);
  if (run.code !== 0) throw new Error(`ndjson run failed (${run.code}): ${run.stderr}`);
  const report = JSON.parse(run.stdout);
  const uncompressedMB = report.bytesUncompressed / MB;
  const sameHash = b.sha1 === report.sha1 && raw.sha1 === report.sha1;
  failed = !sameHash || !(run.rssMB < RSS_LIMIT_MB) || report.rows !== rows;

  const f = (n, d = 1) => n.toFixed(d);
  console.log(machineLine());
  console.log(
    '| rows | uncompressed | gzip | `wxpay bill trade --gzip --format ndjson` | MB/s (uncompressed) | peak RSS | `gunzip -c \\| sha1sum` | MB/s | SHA1s agree |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|:---:|');
  console.log(
    `| ${rows.toLocaleString('en')} | ${f(uncompressedMB)} MB | ${f(statSync(gzFile).size / MB)} MB | ${f(run.seconds, 2)} s | ${f(uncompressedMB / run.seconds)} | ${f(run.rssMB)} MB ${run.rssMB < RSS_LIMIT_MB ? '(< 150 ✓)' : '(≥ 150 ✗)'} | ${f(b.seconds, 2)} s | ${f(uncompressedMB / b.seconds)} | ${sameHash ? 'yes' : 'NO'} |`,
  );
  console.log(
    `\nndjson output: ${f(statSync(path.join(dir, 'bill.ndjson')).size / MB)} MB, ${report.rows} rows; raw run (download + verify, .gz kept as sent): ${f(warm.seconds, 2)} s, peak RSS ${f(warm.rssMB)} MB`,
  );
} finally {
  await sb.close();
  if (keep) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
