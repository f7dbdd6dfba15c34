#!/usr/bin/env node
// CPU cost of the sandbox's bill generator (issue 19), for A/B runs on a busy machine: wall time there is noise,
// CPU time per MB is not. Each measurement runs in its own child process (no JIT or heap state shared between
// builds), builds alternate within each round, and the child reports process.cpuUsage() (all threads: zlib's
// deflate on the libuv pool is counted) over `billStream` of a seeded trade bill drained into a sink that keeps
// nothing.
// Usage: node bench/bill-gen-cpu.mjs [--rows 200000] [--rounds 3] [--refund-every 0] distDirA [distDirB …]
//   e.g. cp -r dist /tmp/old-dist (before a change), rebuild, then: node bench/bill-gen-cpu.mjs /tmp/old-dist dist
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

const MB = 1024 * 1024;
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};

/** The main thread's own CPU seconds (Linux: /proc/thread-self/stat, 10 ms ticks), NaN elsewhere: with gzip the
 *  rest of the process CPU is zlib on the libuv pool, which runs beside the generator. */
function mainThreadCpu() {
  if (!existsSync('/proc/thread-self/stat')) return Number.NaN;
  const f = readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

async function child(dist, mode, rows, refundEvery) {
  const { billStream } = await import(pathToFileURL(path.resolve(dist, 'sandbox/bills.js')).href);
  const spec = (count) => ({
    kind: 'trade',
    tradeType: 'ALL',
    account: 'BASIC',
    events: {
      payments: [],
      refunds: [],
      synthetic: [{ date: '2026-11-30', count, refundEvery, mchid: '1900000001', appid: 'wxd678efh567hg6787' }],
    },
  });
  let bytes = 0;
  const drain = async (s) => {
    bytes = 0;
    const sink = new Writable({
      write(chunk, _enc, done) {
        bytes += chunk.length;
        done();
      },
    });
    await pipeline(billStream(s, { gzip: mode === 'gzip' }), sink);
  };
  await drain(spec(Math.min(rows, 20_000))); // warm-up: JIT, zlib pool thread
  const m0 = mainThreadCpu();
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await drain(spec(rows));
  const c = process.cpuUsage(c0);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  return { cpu: (c.user + c.system) / 1e6, main: mainThreadCpu() - m0, wall, outBytes: bytes };
}

if (process.argv[2] === '--child') {
  const [, , , dist, mode, rows, refundEvery] = process.argv;
  console.log(JSON.stringify(await child(dist, mode, Number(rows), Number(refundEvery))));
} else {
  const rows = Number(arg('--rows', 200_000));
  const rounds = Number(arg('--rounds', 3));
  const refundEvery = arg('--refund-every', '0');
  const flags = new Set(['--rows', '--rounds', '--refund-every']);
  const dists = process.argv.slice(2).filter((a, i, all) => !flags.has(a) && !flags.has(all[i - 1]));
  const self = fileURLToPath(import.meta.url);
  const results = {};
  for (let r = 0; r < rounds; r++)
    for (const mode of ['text', 'gzip'])
      for (const dist of dists) {
        const out = JSON.parse(
          execFileSync(process.execPath, [self, '--child', dist, mode, String(rows), refundEvery], {
            encoding: 'utf8',
          }),
        );
        (results[`${dist} ${mode}`] ??= []).push(out);
      }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const dist of dists) {
    // The text run's output is the uncompressed size every figure is divided by.
    const mb = results[`${dist} text`][0].outBytes / MB;
    for (const mode of ['text', 'gzip']) {
      const runs = results[`${dist} ${mode}`];
      const cpus = runs.map((x) => x.cpu);
      const main = median(runs.map((x) => x.main));
      console.log(
        `${dist} ${mode}: ${mb.toFixed(1)} MB, CPU ${cpus.map((x) => x.toFixed(2)).join('/')} s, median ${(mb / median(cpus)).toFixed(1)} MB per CPU-s; main thread ${(mb / main).toFixed(1)} MB per CPU-s (wall median ${(mb / median(runs.map((x) => x.wall))).toFixed(1)} MB/s, noisy)`,
      );
    }
  }
}
