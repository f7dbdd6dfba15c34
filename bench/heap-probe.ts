// The test suite's heap probe, for a shared worker whose heap grows (a CI worker once died at V8's 4 GB limit): a
// vitest setup file that appends, per test file, the worker's pid, the file, the highest heap seen while it ran
// (sampled every 50 ms), the heap after a forced GC at its end, `before=`: what earlier files left running in the
// worker when it started (process.getActiveResourcesInfo(); vitest itself holds PipeWrap:4 and one Timeout), and
// `end=`: what was running after its last test (its own afterAll hooks run after this one, so servers it closes
// there still show). Run it through bench/heap-probe.config.ts, with a small heap to make growth fatal early:
//   NODE_OPTIONS=--max-old-space-size=256 HEAP_PROBE_WORKERS=1 HEAP_PROBE_OUT=/tmp/heap.txt \
//     npx vitest run --config bench/heap-probe.config.ts [files]
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';

const out = process.env.HEAP_PROBE_OUT;
if (!out) throw new Error('bench/heap-probe.ts: set HEAP_PROBE_OUT to the file to append to');
const mb = (n: number) => Math.round(n / 2 ** 20);
const gc = (globalThis as { gc?: () => void }).gc;

let file = '?';
let peak = 0;
let sampler: NodeJS.Timeout | undefined;
let before = '';
const resources = () => {
  const counts = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([k, v]) => `${k}:${v}`).join(',');
};
beforeAll(() => {
  file = path.relative(process.cwd(), expect.getState().testPath ?? '?');
  peak = process.memoryUsage().heapUsed;
  before = resources(); // what the files before this one left running
  sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 50).unref();
});
afterAll(() => {
  clearInterval(sampler);
  gc?.();
  const line = [
    process.pid,
    file,
    `peak=${mb(peak)}MB`,
    `afterGC=${mb(process.memoryUsage().heapUsed)}MB`,
    `before=${before}`,
    `end=${resources()}`,
  ];
  appendFileSync(out, `${line.join(' ')}\n`);
});
