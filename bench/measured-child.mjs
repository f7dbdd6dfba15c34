// Shared by the benchmarks that run the CLI as a child and report its peak RSS (bill-stream, reconcile): GNU
// `time -v` when present, else the child reports process.resourceUsage().maxRSS through bench/bill-rss-probe.mjs.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'wxpay');
const GNU_TIME = '/usr/bin/time';

export const hasGnuTime =
  existsSync(GNU_TIME) &&
  (() => {
    try {
      execFileSync(GNU_TIME, ['-v', 'true'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

/** The machine and how RSS was measured: the first line of each such benchmark's report. */
export const machineLine = () =>
  `Node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${os.platform()} ${os.arch()}, load average ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}; RSS via ${hasGnuTime ? 'GNU time -v' : 'process.resourceUsage().maxRSS'}\n`;

/** The environment without the caller's WXPAY_* settings, plus `extra`. */
export const cleanEnv = (extra = {}) => ({
  ...Object.fromEntries(Object.entries({ ...process.env, NO_COLOR: '1' }).filter(([k]) => !k.startsWith('WXPAY_'))),
  ...extra,
});

/** Runs `wxpay args` in `cwd`; resolves with wall time, exit code, stdout, stderr and the child's peak RSS in MB. */
export function runMeasured(args, { cwd, env }) {
  const rssFile = path.join(cwd, `rss-${Date.now()}`);
  const childEnv = { ...env };
  let cmd = process.execPath;
  let argv;
  if (hasGnuTime) {
    cmd = GNU_TIME;
    argv = ['-v', '-o', rssFile, process.execPath, bin, ...args];
  } else {
    childEnv.WXPAY_BENCH_RSS_FILE = rssFile;
    argv = ['--import', pathToFileURL(path.join(root, 'bench', 'bill-rss-probe.mjs')).href, bin, ...args];
  }
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, argv, { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const text = existsSync(rssFile) ? readFileSync(rssFile, 'utf8') : '';
      const kb = hasGnuTime
        ? Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(text)?.[1])
        : Number(text.trim());
      resolve({ code, seconds, stdout, stderr, rssMB: kb / 1024 });
    });
  });
}
