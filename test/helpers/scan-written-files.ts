// Extends the suite's secrets scan (issue 9) from command output to the files the suite writes: journals
// (webhook serve, batches), result CSVs and bill outputs. Tests write them under os.tmpdir() and delete their
// folders when done, so this setup file (vitest setupFiles) wraps fs rm/rmSync/unlink: before a temp path is
// removed, every output-like file under it is recorded with the command outputs, which the global teardown
// scans for every registered secret. Key files and rc files are inputs that hold secrets by design: skipped.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { recordOutput } from './secrets-scan.js';

/** Journals, result files and converted bills; not keys, certificates or rc files. */
export const isWrittenOutput = (file: string): boolean => {
  const name = path.basename(file);
  if (/key|\.pem$|wxpayrc|secret/i.test(name)) return false;
  return /\.(ndjson|jsonl|csv|log|out)$/i.test(name) || /journal|result|bill/i.test(name);
};

const MAX_BYTES = 32 * 1024 * 1024;
const tmp = fs.realpathSync(os.tmpdir());

/** Records every output-like file under `target` (a path under os.tmpdir()) into the artifacts folder `dir`. */
export function collectWritten(target: string, dir: string): void {
  let abs: string;
  try {
    abs = fs.realpathSync(path.resolve(target));
  } catch {
    return;
  }
  if (!abs.startsWith(`${tmp}${path.sep}`) || abs.startsWith(dir)) return;
  const walk = (p: string, depth: number): void => {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      return;
    }
    if (st.isDirectory() && depth < 6) {
      const names = fs.readdirSync(p);
      // Another artifacts folder (the scan's own tests plant secrets in one): not suite output.
      if (names.includes('secrets.ndjson')) return;
      for (const n of names) walk(path.join(p, n), depth + 1);
    } else if (st.isFile() && st.size <= MAX_BYTES && isWrittenOutput(p)) {
      recordOutput(dir, `file ${path.relative(tmp, p)}`, fs.readFileSync(p));
    }
  };
  walk(abs, 0);
}

const flag = Symbol.for('wxpay.scanWrittenFiles');
const g = globalThis as { [flag]?: boolean };
if (!g[flag]) {
  g[flag] = true;
  const dir = fs.realpathSync(inject('artifactsDir'));
  const wrapSync = <F extends (p: fs.PathLike, ...rest: never[]) => unknown>(fn: F): F =>
    ((p: fs.PathLike, ...rest: never[]) => {
      collectWritten(String(p), dir);
      return fn(p, ...rest);
    }) as F;
  const wrapAsync = <F extends (p: fs.PathLike, ...rest: never[]) => Promise<unknown>>(fn: F): F =>
    ((p: fs.PathLike, ...rest: never[]) => {
      collectWritten(String(p), dir);
      return fn(p, ...rest);
    }) as F;
  fs.rmSync = wrapSync(fs.rmSync);
  fs.unlinkSync = wrapSync(fs.unlinkSync);
  fs.promises.rm = wrapAsync(fs.promises.rm);
  fs.promises.unlink = wrapAsync(fs.promises.unlink);
  syncBuiltinESMExports();
}
