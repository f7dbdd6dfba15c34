// Runs around the whole suite. It gives every test a folder for artifacts (what spawned commands printed, the
// secrets that tests generated, the files they wrote) and a temp root of its own: TMPDIR points there for the
// test workers and every command they spawn. At the end it records the output-like files still under the root
// (test/helpers/scan-written-files.ts), scans the artifacts for leaked secrets, and removes the root. It also stops the
// run's PostgreSQL server, if a test started one (test/helpers/postgres.ts), and prunes vitest's transform cache
// (test/helpers/transform-cache.ts).
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { collectWritten } from './scan-written-files.js';
import { registerSecret, scanArtifacts } from './secrets-scan.js';
import { fixtureKeyFiles, repoRoot } from './paths.js';
import { stopPostgres, stopSharedPostgres } from './postgres-server.js';
import { deadWorkerReports } from './worker-trails-report.js';
import { chooseTempBase, runFolderPrefix, sweepStaleRuns } from './temp-base.js';
import { pruneTransformCache, TRANSFORM_CACHE_DIR } from './transform-cache.js';

declare module 'vitest' {
  export interface ProvidedContext {
    artifactsDir: string;
    /** The folder whose creation claims the run's PostgreSQL server (test/helpers/postgres.ts). */
    pgShared: string;
    /** Where that server's folder goes when the run's temp folders are in memory (test/helpers/temp-base.ts), else
     *  undefined (the launcher's default). */
    pgParent: string | undefined;
  }
}

// Vitest runs this once per project: they share one run (one artifacts folder, one temp root), ended by the last.
interface Run {
  dir: string;
  root: string;
  tmpdir: string | undefined;
  users: number;
  /** Where the PostgreSQL server's folder goes (a folder of its own beside the root when the run is in memory), or
   *  undefined for the launcher's default. */
  pgParent: string | undefined;
  /** When the run began: the transform cache's entries written since are this run's own. */
  started: number;
}
const key = Symbol.for('wxpay.testRun');
const g = globalThis as { [key]?: Run };

function startRun(): Run {
  const base = chooseTempBase();
  for (const gone of sweepStaleRuns(base.dir, stopPostgres)) console.warn(`removed an interrupted run's ${gone}`);
  const dir = mkdtempSync(path.join(base.dir, runFolderPrefix('artifacts')));
  const root = mkdtempSync(path.join(base.dir, runFolderPrefix('run')));
  // The root is 0700, which the `postgres` user (when the suite runs as root) cannot enter: in memory the server's
  // folder goes in a folder of its own that it may pass through; on a disk, where the launcher puts it by default.
  const pgParent = base.memory ? mkdtempSync(path.join(base.dir, runFolderPrefix('pg'))) : undefined;
  if (pgParent) chmodSync(pgParent, 0o711);
  const run = { dir, root, tmpdir: process.env.TMPDIR, users: 0, pgParent, started: Date.now() };
  // Workers start after the global setup, with its environment: their os.tmpdir() is the root.
  process.env.TMPDIR = root;
  // The committed test-only keys (test/helpers/test-keys.ts) are secrets like generated ones: whichever test
  // loads one, no output may contain it.
  for (const file of fixtureKeyFiles())
    registerSecret(dir, `fixture key ${path.basename(file)}`, readFileSync(file, 'utf8').trim());
  return run;
}

const pgShared = (run: Run) => path.join(run.root, 'postgres');

function endRun(run: Run): void {
  // Vitest reports a dead worker without naming a test file: these do (test/helpers/worker-trail.ts).
  for (const report of deadWorkerReports(run.dir)) console.error(report);
  stopSharedPostgres(pgShared(run), run.dir);
  const pruned = pruneTransformCache(path.join(repoRoot, TRANSFORM_CACHE_DIR), { runStart: run.started });
  if (pruned.files) {
    const mb = (pruned.bytes / 2 ** 20).toFixed(1);
    const entries = pruned.files === 1 ? 'entry' : 'entries';
    console.log(`removed ${pruned.files} transform cache ${entries}, unused for days or past the cap (${mb} MB)`);
  }
  if (run.tmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = run.tmpdir;
  collectWritten(run.root, run.dir);
  const leaks = scanArtifacts(run.dir);
  if (leaks.length) {
    // Keep the folders so the leak can be inspected.
    throw new Error(
      `Secrets scan: ${leaks.length} leak(s) in command output or written files:\n${leaks.map((l) => `  ${l.file}: ${l.secretLabel}`).join('\n')}\nArtifacts kept in ${run.dir}, temp files in ${run.root}`,
    );
  }
  rmSync(run.dir, { recursive: true, force: true });
  rmSync(run.root, { recursive: true, force: true });
  if (run.pgParent) rmSync(run.pgParent, { recursive: true, force: true });
}

export default function setup(project: TestProject) {
  const run = (g[key] ??= startRun());
  run.users += 1;
  project.provide('artifactsDir', run.dir);
  project.provide('pgShared', pgShared(run));
  project.provide('pgParent', run.pgParent);
  return () => {
    run.users -= 1;
    if (run.users > 0) return;
    delete g[key];
    endRun(run);
  };
}
