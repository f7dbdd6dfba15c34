// The suite's own config plus the per-file heap probe (bench/heap-probe.ts); see that file for how to run it.
// HEAP_PROBE_WORKERS sets each project's worker count (1: the files in one worker, one after another, as a shared
// worker runs them).
import { mergeConfig } from 'vitest/config';
import base from '../vitest.config.js';

const workers = Number(process.env.HEAP_PROBE_WORKERS ?? 3);
const projects = (base.test?.projects ?? []).map((p) =>
  typeof p === 'object' && 'test' in p ? { ...p, test: { ...p.test, maxWorkers: workers } } : p,
);
export default mergeConfig(
  { ...base, test: { ...base.test, projects } },
  { test: { setupFiles: ['bench/heap-probe.ts'], execArgv: ['--expose-gc'] } },
);
