// A bill download changes V8's flags for its peak RSS (src/http/lean-download.ts), and V8 refuses cached code that
// was compiled under other flags. Found by review: the loader saved the code cache at exit, after the change, so
// every later run found its cache rejected and wrote it again. The loader now saves before the flags change and
// nothing after, so a second run finds every file it needs and rewrites none.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv } from '../helpers/cli.js';
import { OFFLINE_COMMANDS } from '../../src/v8-flags.js';
import { binPath, repoRoot } from '../helpers/paths.js';
import { removeTemp } from '../helpers/scan-written-files.js';
import { vectorFile } from '../helpers/vectors.js';
import { REFUND_DRY } from '../helpers/dry-run-args.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'wxpay-cache-flags-'));
afterAll(() => removeTemp(dir));

const xdg = path.join(dir, 'xdg');
const cacheFolder = path.join(xdg, 'wxpay', 'code-cache');

/** `wxpay bill trade` for a day that cannot have a bill: a usage error (exit 2) after the V8 flags changed. */
function billRun() {
  const r = spawnSync(process.execPath, [binPath, 'bill', 'trade', '--date', '2999-01-01'], {
    cwd: dir,
    env: cleanEnv({ XDG_CACHE_HOME: xdg }),
  });
  expect(r.status, r.stderr.toString()).toBe(2);
}

/** Each cached code file with its inode: a rewrite (write to a temp file, then rename) gets a new one. */
const cached = () =>
  Object.fromEntries(
    readdirSync(cacheFolder)
      .filter((f) => f.endsWith('.bin'))
      .map((f) => [f, statSync(path.join(cacheFolder, f)).ino]),
  );

describe('the code cache around a command that changes V8 flags', () => {
  it('is saved before the flags change, so the next run uses it and rewrites nothing', () => {
    billRun();
    const first = cached();
    // The start-up bundle, the kernel and the bill command's own bundle.
    expect(Object.keys(first).some((f) => f.startsWith('commands.bill'))).toBe(true);
    expect(Object.keys(first).length).toBeGreaterThanOrEqual(3);
    billRun();
    expect(cached()).toEqual(first);
  });

  // bin/wxpay sets its WebAssembly tiering budget before it compiles anything (src/code-cache.ts boot), so the code cache is written
  // and read under the same flags: an API command's second run (the undici bundle included) rewrites nothing.
  it('an API command under the start-up flag: the second run uses what the first cached and rewrites nothing', () => {
    const refund = () => {
      const r = spawnSync(process.execPath, [binPath, ...REFUND_DRY], { cwd: dir, env: cleanEnv(refundEnv) });
      expect(r.status, r.stderr.toString()).toBe(0);
    };
    refund();
    const first = cached();
    expect(Object.keys(first).some((f) => f.startsWith('undici.'))).toBe(true);
    expect(Object.keys(first).some((f) => f.startsWith('commands.refund-create.'))).toBe(true);
    refund();
    expect(cached()).toEqual(first);
  });
});

describe('runs that leave V8 flags alone (src/v8-flags.ts OFFLINE_COMMANDS)', () => {
  it('an offline command and an API command in turn keep cache files of their own, and neither rewrites the other', () => {
    const run = (args: string[]) => {
      const r = spawnSync(process.execPath, [binPath, ...args], { cwd: dir, env: cleanEnv(refundEnv) });
      expect(r.status, r.stderr.toString()).toBe(0);
    };
    const sign = ['sign', 'GET', '/v3/refund/domestic/refunds/1', '--timestamp', '1554208460', '--nonce', 'N1'];
    run(sign);
    run(REFUND_DRY);
    const first = cached();
    // The start-up bundle is compiled by both, under each run's flags: a file for each.
    const startup = Object.keys(first).filter((f) => f.startsWith('wxpay-cli.'));
    const tail = (f: string) => f.slice(f.indexOf(process.versions.v8) + process.versions.v8.length);
    expect(startup.map(tail).sort()).toEqual(['.v8-defaults.bin', '.wasm-lazy.bin']);
    run(sign);
    run(REFUND_DRY);
    expect(cached()).toEqual(first);
  });

  it("no offline command's bundle reaches HTTP: undici, through a bundle it requires or not, nor fetch", () => {
    const bundleDir = path.join(repoRoot, 'dist', 'bundle');
    const all = readdirSync(bundleDir);
    const sourceOf = (file: string) => readFileSync(path.join(bundleDir, file), 'utf8');
    /** The bundles `start` loads, itself included: each relative require of a .cjs, followed. */
    const reached = (start: string): string[] => {
      const seen = new Set<string>();
      for (const todo = [start]; todo.length;) {
        const file = todo.pop()!;
        if (seen.has(file)) continue;
        seen.add(file);
        for (const m of sourceOf(file).matchAll(/require\("\.\/([\w.-]+\.cjs)"\)/g)) todo.push(m[1]!);
      }
      return [...seen];
    };
    // undici from the bundle, from node_modules, or as Node's global fetch (which is undici with llhttp too).
    const http = (file: string) =>
      file === 'undici.cjs' || /require\("undici[/"]|(?<![\w.$])fetch\(/.test(sourceOf(file));
    const bundles = OFFLINE_COMMANDS.filter((words) => !words[0]!.startsWith('-')).flatMap((words) => {
      const name = `commands.${words.join('-')}`;
      const own = all.filter((f) => f === `${name}.cjs` || f.startsWith(`${name}-`));
      expect(own, name).not.toEqual([]);
      return own;
    });
    expect(bundles).toContain('commands.config-show.cjs');
    for (const b of bundles) expect(reached(b).filter(http), b).toEqual([]);
    expect(reached('commands.refund-create.cjs').filter(http)).toContain('undici.cjs');
  });
});

const refundEnv = {
  XDG_CACHE_HOME: xdg,
  WXPAY_MCHID: '1900007291',
  WXPAY_SERIAL_NO: '408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB',
  WXPAY_PRIVATE_KEY_PATH: vectorFile('doc_merchant_key.pem'),
};
