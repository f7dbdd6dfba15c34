// Read by the global teardown: the trails that test/helpers/worker-trail.ts keeps for each shared worker.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** For each worker that died mid-file: the file it was running, and its last finished files with their heap. */
export function deadWorkerReports(artifactsDir: string, lastFiles = 8): string[] {
  const dir = path.join(artifactsDir, 'worker-trails');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.trail'))
    .flatMap((f) => {
      const lines = readFileSync(path.join(dir, f), 'utf8').trim().split('\n');
      const last = lines.at(-1) ?? '';
      if (!last.startsWith('start ')) return [];
      const finished = lines.filter((l) => l.startsWith('end ')).map((l) => `    ${l.slice('end '.length)}`);
      return [
        [
          `worker ${f.slice(0, -'.trail'.length)} died while running ${last.slice('start '.length)}`,
          '  its last finished files, with the heap it had after each:',
          ...finished.slice(-lastFiles),
        ].join('\n'),
      ];
    });
}
