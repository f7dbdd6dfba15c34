// A setup file of the shared project (vitest.config.ts). When a shared worker dies (a CI run once ended with "Worker
// exited unexpectedly" after V8 ran out of heap at 4 GB), vitest names no test file: many files had shared that
// process. So each worker keeps a trail under the run's artifacts folder: a line when it starts a file, and one with
// its heap when it finishes it. The global teardown (test/helpers/global-setup.ts) prints the trails that end in a
// start, so the next such failure names its file and shows whether the heap grew in it or across many files.
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject } from 'vitest';

const dir = path.join(inject('artifactsDir'), 'worker-trails');
const trail = path.join(dir, `${process.pid}.trail`);
let file = '';

beforeAll(() => {
  file = path.relative(process.cwd(), expect.getState().testPath ?? 'an unknown file');
  mkdirSync(dir, { recursive: true });
  appendFileSync(trail, `start ${file}\n`);
});

afterAll(() => {
  appendFileSync(trail, `end ${file} ${Math.round(process.memoryUsage().heapUsed / 2 ** 20)} MB\n`);
});
