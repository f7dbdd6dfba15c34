// Regression (fresh-clone-vectors): the known-answer tests read their vectors from a folder beside the clone, so a user's
// clone failed (or skipped) them. Here the committed tree is cloned into a temp folder with nothing beside it,
// installed with `npm ci` (from the npm cache when it can; issue 14's acceptance names this step) and the vector test
// files are run inside it with the clone's own vitest: every test must pass and none may skip. The install is most of
// the file's CPU. The lock file records each package's tarball URL (`resolved`; the project's .npmrc keeps npm from
// dropping it), so npm ci reads tarballs from the cache by integrity instead of every package's metadata first (~15
// CPU-s for the file before, ~10 after). It runs with --ignore-scripts: the `prepare` build would make dist/, which
// the vector tests never load (they run src/ in-process; pack-install.test.ts covers the built package).
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv } from '../helpers/clean-env.js';
import { repoRoot } from '../helpers/paths.js';
import { removeTemp } from '../helpers/scan-written-files.js';

const run = promisify(execFile);
const VECTOR_TESTS = [
  'test/unit/vectors-sign.test.ts',
  'test/unit/vectors-verify.test.ts',
  'test/e2e/foundation-sign.test.ts',
];

describe('a fresh clone with nothing beside it', () => {
  const outer = mkdtempSync(path.join(os.tmpdir(), 'wxpay-clone-'));
  const clone = path.join(outer, 'wxpay');
  // The clone holds a node_modules tree: removing it (and recording its outputs first) is slow on a loaded machine.
  afterAll(() => removeTemp(outer), 120_000);

  it('installs with npm ci and passes the vector tests without skipping any', async () => {
    // A local clone hard-links the object files (git never changes one in place) where the temp folder is on the
    // repository's file system, and copies them (~12 MB) where it is not (the run's folders in /dev/shm:
    // test/helpers/temp-base.ts): either way the clone has a repository and a checkout of its own, nothing beside it.
    await run('git', ['clone', '--quiet', repoRoot, clone]);
    expect(readdirSync(outer)).toEqual(['wxpay']);
    // npm keeps the shell's whole environment: on a cache miss it goes to the registry, maybe through a proxy whose
    // CA only NODE_EXTRA_CA_CERTS names.
    await run('npm', ['ci', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: clone,
      env: { ...process.env, NO_COLOR: '1' },
      maxBuffer: 64 * 1024 * 1024,
    });
    const report = path.join(outer, 'report.json');
    // The clone's vitest, started without npx (an npm process more). Three small files: one forked worker runs them
    // all (the shared project does not isolate them, and --no-file-parallelism keeps one worker). Not a worker
    // thread: the config gives workers a heap cap as a V8 flag (execArgv), which worker threads refuse.
    const vitest = path.join(clone, 'node_modules', 'vitest', 'vitest.mjs');
    const args = ['run', ...VECTOR_TESTS, '--no-file-parallelism', '--reporter=json'];
    // vitest exits non-zero when a test fails; the report says which, so read it either way. The vector tests talk to
    // no server: cleanEnv leaves out NODE_EXTRA_CA_CERTS (parsed at every Node start) and any WXPAY_* of the shell.
    const log = await run(process.execPath, [vitest, ...args, `--outputFile=${report}`], {
      cwd: clone,
      env: cleanEnv(),
      maxBuffer: 64 * 1024 * 1024,
    }).then(
      (o) => o.stderr,
      (e: unknown) => (e as { stderr?: string }).stderr ?? String(e as Error),
    );
    const r = JSON.parse(readFileSync(report, 'utf8')) as {
      numTotalTests: number;
      numPassedTests: number;
      numPendingTests: number;
      numTodoTests: number;
      testResults: Array<{ name: string }>;
    };
    expect(r.testResults.map((t) => path.relative(clone, t.name)).sort()).toEqual([...VECTOR_TESTS].sort());
    expect({ pending: r.numPendingTests, todo: r.numTodoTests }, log).toEqual({ pending: 0, todo: 0 });
    expect(r.numPassedTests, log).toBe(r.numTotalTests);
    expect(r.numTotalTests).toBeGreaterThan(20);
  }, 600_000);
});
