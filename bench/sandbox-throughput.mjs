#!/usr/bin/env node
// Sandbox throughput: signed requests per second on loopback (each costs the sandbox one RSA-2048 verify and one
// RSA-2048 sign), beside `openssl speed rsa2048` sign/s from the same run (one core's physical limit).
// The sandbox runs as `wxpay sandbox serve --quiet` in its own process; this process is the load generator. It
// pre-signs a pool of GET queries (valid for 300 s, each sent once: bench/presigned.mjs) so the generator spends no
// RSA time during the measurement, and sends them on raw keep-alive sockets (bench/lean-load.mjs), which cost it a
// fraction of an HTTP client library's CPU.
// Usage: npm run build && node bench/sandbox-throughput.mjs [--seconds 5] [--connections 16] [--openssl-seconds 3]
// Prints one markdown table row (header with --header) for BENCHMARKS.md. SANDBOX_NODE_ARGS="--cpu-prof" profiles the
// sandbox process; BENCH_THREADS=1 prints (stderr) each sandbox thread's and the load generator's CPU µs per request,
// which stay meaningful on a busy machine where req/s do not.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { getRequestBytes, leanLoad } from './lean-load.mjs';
import { presignedPool } from './presigned.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { initSandbox } = await import(path.join(root, 'dist/sandbox/keyset.js'));
const { loadPrivateKey } = await import(path.join(root, 'dist/protocol/keys.js'));
const { signRequest, unixSeconds } = await import(path.join(root, 'dist/protocol/sign.js'));
const { newNonce } = await import(path.join(root, 'dist/protocol/nonce.js'));

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const seconds = arg('seconds', 5);
const connections = arg('connections', 16);
const opensslSeconds = arg('openssl-seconds', 3);

/** utime+stime of a process in seconds (Linux /proc), or NaN elsewhere: requests per sandbox CPU-second show the
 * per-core cost even when the machine is busy with other work. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Per-thread utime+stime (Linux /proc/<pid>/task): where the sandbox's CPU goes, independent of machine load. */
function threadSeconds(pid) {
  const out = new Map();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      out.set(`${tid} ${name}`, (Number(fields[11]) + Number(fields[12])) / 100);
    }
  } catch {
    // not Linux
  }
  return out;
}

function printThreads(before, after, client, ok) {
  const us = (s) => ((s * 1e6) / ok).toFixed(0).padStart(5);
  let total = 0;
  for (const [k, v] of after) {
    const d = v - (before.get(k) ?? 0);
    total += d;
    if (d > 0) console.error(`sandbox thread ${k}: ${us(d)} µs CPU per request`);
  }
  console.error(`sandbox total: ${us(total)} µs; client: ${us((client.user + client.system) / 1e6)} µs per request`);
}

function opensslSignRate() {
  const out = execFileSync('openssl', ['speed', '-seconds', String(opensslSeconds), 'rsa2048'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const m = /rsa\s+2048 bits\s+[\d.]+s\s+[\d.]+s\s+([\d.]+)\s+([\d.]+)/.exec(out);
  if (!m) throw new Error(`cannot parse openssl speed output:\n${out}`);
  return { sign: Number(m[1]), verify: Number(m[2]) };
}

async function main() {
  const openssl = opensslSignRate();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wxpay-bench-sandbox-'));
  const init = await initSandbox({ dir, mode: 'cert' });
  const child = spawn(
    process.execPath,
    [
      ...(process.env.SANDBOX_NODE_ARGS ? process.env.SANDBOX_NODE_ARGS.split(' ') : []),
      path.join(root, 'bin/wxpay'),
      'sandbox',
      'serve',
      '--dir',
      dir,
      '--port',
      '0',
      '--json',
      '--quiet',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const first = await new Promise((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', (l) => resolve(JSON.parse(l)));
      child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
    });
    const base = new URL(first.url);
    const merchant = {
      mchid: init.mchid,
      serialNo: init.serialNo,
      privateKey: loadPrivateKey(readFileSync(init.privateKeyPath)),
    };
    const pool = new Pool(base.origin, { connections: 1 });
    const headersFor = (method, url, body = '') => ({
      accept: 'application/json',
      'user-agent': 'wxpay-bench/1',
      ...(body ? { 'content-type': 'application/json' } : {}),
      authorization: signRequest(merchant, { method, url, body, timestamp: unixSeconds(Date.now()), nonce: newNonce() })
        .authorization,
    });
    const no = `BENCH${Date.now()}`;
    const body = JSON.stringify({
      appid: init.appid,
      mchid: init.mchid,
      description: 'bench',
      out_trade_no: no,
      notify_url: 'https://example.com/n',
      amount: { total: 1 },
    });
    const created = await pool.request({
      method: 'POST',
      path: '/v3/pay/transactions/native',
      headers: headersFor('POST', '/v3/pay/transactions/native', body),
      body,
    });
    if (created.statusCode !== 200)
      throw new Error(`prepay answered ${created.statusCode}: ${await created.body.text()}`);
    await created.body.dump();
    await pool.close();
    const target = `/v3/pay/transactions/out-trade-no/${no}?mchid=${init.mchid}`;
    const signed = presignedPool(() => getRequestBytes(base.host, target, headersFor('GET', target)), 0.5 + seconds);
    const run = (ms) => leanLoad({ origin: base.origin, connections, next: signed.take, ms });
    await run(500); // warm-up
    const cpu0 = cpuSeconds(child.pid);
    const threads0 = threadSeconds(child.pid);
    const client0 = process.cpuUsage();
    const result = await run(seconds * 1000);
    const cpuUsed = cpuSeconds(child.pid) - cpu0;
    if (process.env.BENCH_THREADS)
      printThreads(threads0, threadSeconds(child.pid), process.cpuUsage(client0), result.ok);
    const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
    const ratio = result.rate / openssl.sign;
    if (process.argv.includes('--header')) {
      console.log(
        '| date | node | CPU | sandbox signed req/s | req per sandbox CPU-s | openssl rsa2048 sign/s | ratio | errors |',
      );
      console.log('|---|---|---|---|---|---|---|---|');
    }
    console.log(
      `| ${new Date().toISOString().slice(0, 10)} | ${process.version} | ${cpu} (${os.cpus().length} cores) | ${result.rate.toFixed(0)} | ${(result.ok / cpuUsed).toFixed(0)} | ${openssl.sign.toFixed(0)} | ${(ratio * 100).toFixed(0)}% | ${result.bad} |`,
    );
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
