// The per-file CPU probe of the test suite's figures in BENCHMARKS.md ("Test suite"): a vitest setup file that
// appends, for each test file, the CPU its worker process and the children it reaped used around the file (user +
// system from /proc/self/stat, Linux only), its start and end time (s since the epoch), the worker's pid and the
// file. Run through bench/suite-cpu-probe.config.ts:
//   SUITE_PROBE_OUT=/tmp/probe.txt npx vitest run --config bench/suite-cpu-probe.config.ts [files]
// Columns: CPU-s, start, end, pid, file. Sum the first column for the files' CPU; the rest of the run's CPU
// (/usr/bin/time) is vitest itself.
import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';

const out = process.env.SUITE_PROBE_OUT;
if (!out) throw new Error('bench/suite-cpu-probe.ts: set SUITE_PROBE_OUT to the file to append to');

/** utime + stime + cutime + cstime of this process, in seconds (USER_HZ is 100 on Linux). */
const cpu = (): number => {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
};

let file = '?';
let cpu0 = 0;
let t0 = 0;
beforeEach(() => {
  file = expect.getState().testPath ?? '?';
});
beforeAll(() => {
  cpu0 = cpu();
  t0 = Date.now();
});
afterAll(() => {
  const rel = path.relative(process.cwd(), file);
  const line = [(cpu() - cpu0).toFixed(2), (t0 / 1000).toFixed(1), (Date.now() / 1000).toFixed(1), process.pid, rel];
  appendFileSync(out, `${line.join(' ')}\n`);
});
