// The suite's own config plus the per-file CPU probe (bench/suite-cpu-probe.ts); see that file for how to run it.
import { mergeConfig } from 'vitest/config';
import base from '../vitest.config.js';

export default mergeConfig(base, { test: { setupFiles: ['bench/suite-cpu-probe.ts'] } });
