// Regression (fresh-clone-vectors): the known-answer tests read their vectors from a folder beside the clone, so a user's
// clone failed (or skipped) them. Here the committed tree is cloned into a temp folder with nothing beside it and the
// vector test files are run inside it, with the clone's own vitest and config: every test must pass and none may skip.
// What this proves is that the committed tree carries everything those tests read. It does not reinstall the
// dependencies: an `npm ci` here cost ~15 CPU-s (this machine's npm config writes no resolved/integrity into the lock,
// so npm parses every packument), and that a clean clone installs is what CI proves (`.ci/run` runs `npm ci`, lint and
// `npm test` on a clean clone). The clone's node_modules is a folder of links to this checkout's installed packages,
// one per package, rather than one link to the whole folder: vite and vitest write their caches (the config bundle,
// the duration cache) under node_modules, and those must stay in the clone. The vector tests run src/ in-process and
// never load dist/ (pack-install.test.ts covers the built package), so nothing is built.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.js';
import { removeTemp } from '../helpers/scan-written-files.js';

const run = promisify(execFile);
const VECTOR_TESTS = [
  'test/unit/vectors-sign.test.ts',
  'test/unit/vectors-verify.test.ts',
  'test/e2e/foundation-sign.test.ts',
];

/** Links each package installed in this checkout into the clone's own node_modules (its dot-folders are caches). */
const linkDependencies = (clone: string): void => {
  const from = path.join(repoRoot, 'node_modules');
  const to = path.join(clone, 'node_modules');
  mkdirSync(to);
  for (const name of readdirSync(from)) {
    if (name.startsWith('.') && name !== '.bin') continue;
    symlinkSync(path.join(from, name), path.join(to, name));
  }
};

describe('a fresh clone with nothing beside it', () => {
  const outer = mkdtempSync(path.join(os.tmpdir(), 'wxpay-clone-'));
  const clone = path.join(outer, 'wxpay');
  // Removing the links leaves the packages they point to alone (rmSync and the outputs walk do not follow them).
  afterAll(() => removeTemp(outer));

  it('passes the vector tests without skipping any', async () => {
    await run('git', ['clone', '--quiet', '--no-hardlinks', repoRoot, clone]);
    expect(readdirSync(outer)).toEqual(['wxpay']);
    linkDependencies(clone);
    const report = path.join(outer, 'report.json');
    // The clone's vitest, started without npx (an npm process more). Three small files: one worker thread runs them
    // all (the shared project does not isolate them), instead of a forked process each.
    const vitest = path.join(clone, 'node_modules', 'vitest', 'vitest.mjs');
    const args = ['run', ...VECTOR_TESTS, '--pool=threads', '--no-file-parallelism', '--reporter=json'];
    // vitest exits non-zero when a test fails; the report says which, so read it either way.
    const log = await run(process.execPath, [vitest, ...args, `--outputFile=${report}`], {
      cwd: clone,
      env: { ...process.env, NO_COLOR: '1' },
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
