import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

// Test files share their workers' module graph (isolate: false): a new process per file cost about as much CPU as
// the unit tests themselves, and each end-to-end file loaded the CLI's modules afresh. Files that change global
// state (module mocks, the environment, the cwd, process listeners, V8 flags) are found by this pattern and keep a
// process of their own; extend it when a new kind appears. Spies, stubbed environment variables and globals, and
// fake timers are left out on purpose: vitest can undo them, and the shared project's setup file
// (test/helpers/undo-vi-state.ts) does so after every file. What the undo cannot reach is a module that captured a
// stubbed value at import or first use (the module cache is shared too): such a file needs a process of its own, so
// read the environment, globals and timers lazily in src/ and test helpers. A spy that counts calls process-wide
// should count only its own file's (webhook-group-commit counts only its journal's fsyncs).
const globalState =
  /vi\.(mock|doMock)\b|process\.env(\.\w+|\[[^\]]+\]) *=[^=]|delete process\.env|process\.(chdir|on|once|exitCode)\b|setGlobalDispatcher|setFlagsFromString|leanDownload\(/;
const root = path.dirname(fileURLToPath(import.meta.url));
const testFiles = (dir: string): string[] =>
  readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? testFiles(`${dir}/${e.name}`) : e.name.endsWith('.test.ts') ? [`${dir}/${e.name}`] : [],
  );
// A template literal's text is not this process's code: tests write their child processes' preload scripts that way
// (`process.on('exit', …)` in a script for a spawned wxpay), so the pattern looks only at the code outside them.
const outsideTemplates = (source: string) => source.replace(/`(?:\\[\s\S]|[^`\\])*`/g, '``');
const shared = testFiles('test').filter(
  (f) => !globalState.test(outsideTemplates(readFileSync(path.join(root, f), 'utf8'))),
);

// The longest files start first, so none of them is left running alone at the end: an npm ci in a clone, and files
// that mostly wait (request timeouts, killed and restarted processes, slow-client attacks), whose waits then overlap
// the other files' CPU work. Vitest orders the rest: longest first from its cache of the last run, else largest (a
// fresh clone has no cache, which is why this list names them).
const longFirst = [
  'test/e2e/fresh-clone.test.ts',
  'test/e2e/batch-crash.test.ts',
  'test/e2e/webhook-fleet.test.ts',
  'test/e2e/readme-commands.test.ts',
  'test/integration/hostile-webhook.test.ts',
  'test/e2e/demo-interrupt.test.ts',
  'test/integration/hostile-sandbox.test.ts',
  'test/e2e/batch-transfer-crash.test.ts',
  'test/e2e/pack-install.test.ts',
  'test/integration/batch-sandbox.test.ts',
  'test/e2e/cmd-operator.test.ts',
  'test/e2e/cmd-faults.test.ts',
];

// The two projects share one pool, and a worker that moves from one project to the other is replaced: the shared
// workers would load the CLI's modules again. So the isolated files (tiny unit files) go first, all of them, and
// the shared workers that follow live to the end of the run.
class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = longFirst.indexOf(path.relative(f.project.config.root, f.moduleId).split(path.sep).join('/'));
      if (f.project.name === 'isolated') return -1;
      return i < 0 ? longFirst.length : i;
    };
    return (await super.sort(files))
      .map((f, i) => ({ f, i }))
      .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
      .map(({ f }) => f);
  }
}

// V8 recompiles a function with TurboFan, on a background thread, once it has run "enough"; in a test worker most
// code runs a handful of times (each file's own cases, the CLI's commands once each), so much of that compiling is
// never paid back, and on 2 cores it takes CPU from the other workers. Ten times V8's threshold leaves the truly hot
// code (10,000 hostile requests, the fleet's senders, thousands of signatures) optimised: `npx vitest run`, five runs
// each alternating on the quiet machine with Node 20, 162 -> 152 CPU-s of the machine (median), 84 -> 78 s
// (BENCHMARKS.md, session 12). The flag changed name: V8 11.3 (Node 20) counts bytes of bytecode run, later V8s
// count calls. A flag Node does not know stops every worker before any test runs, so the first one this Node takes
// is used (one `node -e ""` per candidate, ~40 ms), and none at all where neither is known. Workers only: the
// product's processes keep V8's defaults. vitest-projects.test.ts checks the flag and its value.
export const TURBOFAN_THRESHOLDS = ['--interrupt-budget=675840', '--invocation-count-for-turbofan=30000'];
const accepted = (flag: string) => spawnSync(process.execPath, [flag, '-e', ''], { stdio: 'ignore' }).status === 0;
const known = TURBOFAN_THRESHOLDS.find(accepted);
export const LATE_TURBOFAN = known ? [known] : [];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // A worker's heap normally peaks under 100 MB. A runaway (an endless loop that keeps what it makes, as a chunked
    // body once did: 0c7c140) then dies in seconds at 1 GB, and the trail names its file (test/helpers/worker-trail.ts),
    // instead of thrashing the garbage collector up to V8's 4 GB default and slowing the whole run first.
    execArgv: ['--max-old-space-size=1024', ...LATE_TURBOFAN],
    sequence: { sequencer: LongFirstSequencer },
    // The secrets scan reads what every spawned command printed (test/helpers/cli.ts) and the journals, result
    // CSVs and bill outputs tests write under the run's temp root (test/helpers/scan-written-files.ts).
    globalSetup: ['test/helpers/global-setup.ts'],
    // Vite's transforms of src/ and test/ files are kept on disk (node_modules/.experimental-vitest-cache), keyed by
    // each file's content, the config and the vitest version, and a changed lock file clears them: a second run
    // reads them back instead of transforming ~500 modules again (vitest's own process: ~9 CPU-s down to ~4.5). A
    // fresh clone starts empty and costs what it did without the cache. Vitest never removes an entry, so the end
    // of each run removes those unused for three days and keeps the folder under 512 MiB
    // (test/helpers/transform-cache.ts); `npx vitest --clearCache` empties it.
    experimental: { fsModuleCache: true },
    projects: [
      {
        extends: true,
        // Vitest's default is one worker per core minus one: on 2 cores, one file at a time. Many files spend their
        // time waiting on spawned wxpay processes and servers, so three at once keep both cores busy.
        test: {
          name: 'shared',
          include: shared,
          isolate: false,
          setupFiles: ['test/helpers/undo-vi-state.ts', 'test/helpers/worker-trail.ts'],
          maxWorkers: 3,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'isolated',
          include: ['test/**/*.test.ts'],
          exclude: shared,
          maxWorkers: 3,
          sequence: { groupOrder: 0 },
        },
      },
    ],
  },
});
