// Bounded answers (issue 12), the memory side: `wxpay api GET` against a server that streams a 400 MB answer (once
// without a length, once declaring it, once as an error body) must stop reading at its cap and stay under 150 MB
// of peak RSS; it once peaked at 890 MB (1.7 GB for the error body). The test (test/e2e/bounded-answers.test.ts)
// checks the exit code, the error and that the server could not send it all; this script measures the CLI's
// peak RSS (process.resourceUsage().maxRSS, reported by bench/bill-rss-probe.mjs preloaded into it) beside the
// same command's peak on a 2-byte answer, in the same run. Loopback only; the server stops when the CLI hangs up.
// Usage: npm run build && node bench/bounded-answers.mjs
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { initSandbox } from '../dist/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SIZE = 400 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'a');
const dir = mkdtempSync(path.join(os.tmpdir(), 'wxpay-bench-bounded-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const init = await initSandbox({ dir: path.join(dir, 'keys'), mode: 'pubkey' });

const sent = new Map();
const server = createServer((req, res) => {
  if (req.url === '/v3/small') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  res.writeHead(req.url.includes('error') ? 400 : 200, {
    'content-type': 'application/json',
    ...(req.url.includes('declared') ? { 'content-length': String(SIZE) } : {}),
  });
  let n = 0;
  const pump = () => {
    while (n < SIZE && !res.destroyed) {
      n += CHUNK.length;
      sent.set(req.url, n);
      if (!res.write(CHUNK)) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}`;

/** `wxpay api GET <p>`: its exit code and peak RSS in MB. */
function wxpay(p) {
  const rssFile = path.join(dir, `rss-${p.replace(/\W/g, '')}`);
  const child = spawn(
    process.execPath,
    [
      '--import',
      pathToFileURL(path.join(root, 'bench', 'bill-rss-probe.mjs')).href,
      path.join(root, 'bin', 'wxpay'),
    ].concat(['api', 'GET', p, '--config', init.rcPath, '--json']),
    { cwd: init.dir, env: { ...process.env, WXPAY_BASE_URL: url, WXPAY_BENCH_RSS_FILE: rssFile }, stdio: 'ignore' },
  );
  return new Promise((resolve) =>
    child.on('close', (code) => resolve({ code, peakMB: Number(readFileSync(rssFile, 'utf8')) / 1024 })),
  );
}

console.log('| answer | exit | peak RSS MB | MB the server sent |');
console.log('|---|---:|---:|---:|');
for (const [what, p] of [
  ['2 bytes (baseline)', '/v3/small'],
  ['400 MB streamed without a length', '/v3/big'],
  ['400 MB with its length declared', '/v3/big-declared'],
  ['400 MB error body', '/v3/big-error'],
]) {
  const r = await wxpay(p);
  console.log(`| ${what} | ${r.code} | ${r.peakMB.toFixed(1)} | ${((sent.get(p) ?? 2) / 2 ** 20).toFixed(1)} |`);
}
server.close();
