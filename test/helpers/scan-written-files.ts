// Extends the suite's secrets scan (issue 9) from command output to the files the suite writes: journals
// (webhook serve, batches), result CSVs and bill outputs. Without patching fs (issue 15): a test folder is removed
// through removeTemp (fixtures.ts tempDir does it after the file's tests), which first records every output-like
// file in it with the command outputs; and every temp folder nobody removed is swept the same way by the global
// teardown, over the run's own temp root (global-setup.ts points TMPDIR there). The teardown scans the records for
// every registered secret. Key files and rc files are inputs that hold secrets by design: skipped.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { recordOutput } from './secrets-scan.js';

/** Journals, result files, reports and converted bills; not keys, certificates or rc files. */
export const isWrittenOutput = (file: string): boolean => {
  const name = path.basename(file);
  if (/key|\.pem$|wxpayrc|secret/i.test(name)) return false;
  return /\.(ndjson|jsonl|csv|log|out)$/i.test(name) || /journal|result|bill|report|junit/i.test(name);
};

const MAX_BYTES = 32 * 1024 * 1024;

/** Records every output-like file under `target` (a path under the temp folder) into the artifacts folder `dir`;
 *  true when it passed over a node_modules folder. */
export function collectWritten(target: string, dir: string): boolean {
  const tmp = fs.realpathSync(os.tmpdir());
  let abs: string;
  try {
    abs = fs.realpathSync(path.resolve(target));
  } catch {
    return false;
  }
  if ((abs !== tmp && !abs.startsWith(`${tmp}${path.sep}`)) || abs.startsWith(dir)) return false;
  let installed = false;
  const walk = (p: string, depth: number): void => {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      return;
    }
    // A node_modules folder holds what npm installed (the fresh clone's ~5,700 files, the pack test's prefix), never
    // a test's output: walking it cost more than the rest of those tests' records, for ~70 files whose names only
    // look like outputs (vitest's reporters, a package's result types).
    if (st.isDirectory() && path.basename(p) === 'node_modules') installed = true;
    else if (st.isDirectory() && depth < 6) {
      const names = fs.readdirSync(p);
      // Another artifacts folder (the scan's own tests plant secrets in one): not suite output.
      if (names.includes('secrets.ndjson')) return;
      for (const n of names) walk(path.join(p, n), depth + 1);
    } else if (st.isFile() && st.size <= MAX_BYTES && isWrittenOutput(p)) {
      recordOutput(dir, `file ${path.relative(tmp, p)}`, fs.readFileSync(p));
    }
  };
  walk(abs, 0);
  return installed;
}

/** Removes a test's temp file or folder, after recording what it wrote for the secrets scan. */
export function removeTemp(target: string, artifacts: string = inject('artifactsDir')): void {
  const installed = collectWritten(target, fs.realpathSync(artifacts));
  // An installed tree is thousands of files: Node 20's rmSync walks it in JavaScript, at about twice the CPU of
  // rm -rf (~0.5 against ~0.25 CPU-s for the fresh clone). A small folder is cheaper without a process.
  if (installed && process.platform !== 'win32' && spawnSync('rm', ['-rf', '--', target]).status === 0) return;
  fs.rmSync(target, { recursive: true, force: true });
}
