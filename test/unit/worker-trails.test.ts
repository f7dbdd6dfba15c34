// The global teardown names the file a dead shared worker was running (test/helpers/worker-trail.ts), which vitest
// does not: a CI run once lost a worker to a 4 GB heap with no file named.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeTemp } from '../helpers/scan-written-files.js';
import { deadWorkerReports } from '../helpers/worker-trails-report.js';

describe('dead worker reports', () => {
  it('name the running file of each worker that never finished it, with its last heap figures', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wxpay-trails-'));
    try {
      expect(deadWorkerReports(dir)).toEqual([]);
      const trails = path.join(dir, 'worker-trails');
      mkdirSync(trails);
      writeFileSync(path.join(trails, '11.trail'), 'start test/a.test.ts\nend test/a.test.ts 90 MB\n');
      writeFileSync(
        path.join(trails, '12.trail'),
        'start test/b.test.ts\nend test/b.test.ts 70 MB\nstart test/c.test.ts\nend test/c.test.ts 80 MB\nstart test/d.test.ts\n',
      );
      expect(deadWorkerReports(dir, 1)).toEqual([
        'worker 12 died while running test/d.test.ts\n' +
          '  its last finished files, with the heap it had after each:\n' +
          '    test/c.test.ts 80 MB',
      ]);
    } finally {
      removeTemp(dir);
    }
  });
});
