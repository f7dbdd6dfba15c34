// bin/wxpay's bundle loader (src/code-cache.ts): a V8 code cache is code that will run, so it is used only from a
// folder that is the user's alone, and from files no one else can write; anything odd means "compile as usual".
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheDir } from '../../src/code-cache.js';
import { cleanEnv } from '../helpers/clean-env.js';
import { repoRoot } from '../helpers/paths.js';
import { removeTemp } from '../helpers/scan-written-files.js';

const loaderFile = path.join(repoRoot, 'dist', 'code-cache.cjs');

const uid = process.getuid!();
let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'wxpay-code-cache-'));
});
afterEach(() => removeTemp(tmp));

const env = (extra: Record<string, string> = {}) => ({ HOME: path.join(tmp, 'home'), ...extra });

/** Two bundles as the build writes them: a hash line first, and a relative require of the other. */
function writeBundles(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'kernel.cjs'),
    '// wxpay-bundle 00112233445566778899aabbccddeeff\nmodule.exports = { loads: (globalThis.kernelLoads = (globalThis.kernelLoads ?? 0) + 1) };\n',
  );
  const main = path.join(dir, 'main.cjs');
  writeFileSync(
    main,
    '// wxpay-bundle ffeeddccbbaa99887766554433221100\nconst k = require("./kernel.cjs"); const again = require("./kernel.cjs");\nmodule.exports = { same: k === again, loads: k.loads, path: require("node:path").sep, file: __filename };\n',
  );
  return main;
}

describe('cacheDir', () => {
  it('is wxpay/code-cache under XDG_CACHE_HOME (else ~/.cache), made 0700', () => {
    const dir = cacheDir({ env: env({ XDG_CACHE_HOME: path.join(tmp, 'xdg') }), platform: 'linux', uid });
    expect(dir).toBe(path.join(tmp, 'xdg', 'wxpay', 'code-cache'));
    expect(statSync(dir!).mode & 0o777).toBe(0o700);
    expect(statSync(path.dirname(dir!)).mode & 0o777).toBe(0o700);
    expect(cacheDir({ env: env(), platform: 'linux', uid })).toBe(
      path.join(tmp, 'home', '.cache', 'wxpay', 'code-cache'),
    );
    expect(cacheDir({ env: env({ XDG_CACHE_HOME: 'relative' }), platform: 'darwin', uid })).toBe(
      path.join(tmp, 'home', 'Library', 'Caches', 'wxpay', 'code-cache'),
    );
  });

  it('is off with NODE_DISABLE_COMPILE_CACHE, without a uid (Windows), or for a folder others may use', () => {
    expect(cacheDir({ env: env({ NODE_DISABLE_COMPILE_CACHE: '1' }), platform: 'linux', uid })).toBeUndefined();
    expect(cacheDir({ env: env(), platform: 'win32', uid: undefined })).toBeUndefined();
    const dir = cacheDir({ env: env(), platform: 'linux', uid })!;
    chmodSync(dir, 0o770);
    expect(cacheDir({ env: env(), platform: 'linux', uid })).toBeUndefined();
    chmodSync(dir, 0o700);
    chmodSync(path.dirname(dir), 0o755);
    expect(cacheDir({ env: env(), platform: 'linux', uid })).toBeUndefined();
    // Someone else's uid: the same folder is not "ours".
    chmodSync(path.dirname(dir), 0o700);
    expect(cacheDir({ env: env(), platform: 'linux', uid: uid + 1 })).toBeUndefined();
  });

  it('refuses a code-cache folder that is a symbolic link', () => {
    const base = path.join(tmp, 'xdg');
    mkdirSync(path.join(base, 'wxpay'), { recursive: true, mode: 0o700 });
    mkdirSync(path.join(tmp, 'elsewhere'), { mode: 0o700 });
    symlinkSync(path.join(tmp, 'elsewhere'), path.join(base, 'wxpay', 'code-cache'));
    expect(cacheDir({ env: env({ XDG_CACHE_HOME: base }), platform: 'linux', uid })).toBeUndefined();
  });
});

describe('bundleLoader', () => {
  // Each run in a process of its own, with the built loader (dist/code-cache.cjs): within one process V8 reuses what
  // it compiled before and never looks at the cached data, so a second in-process run would say nothing.
  const run = (main: string, dir: string | undefined) => {
    const script = `const l = require(${JSON.stringify(loaderFile)}).bundleLoader(${JSON.stringify(dir)}, ${uid}, 'v8-defaults');
      const exports = l.load(${JSON.stringify(main)}); l.save();
      console.log(JSON.stringify({ exports, uses: [...l.uses.values()] }));`;
    // cleanEnv: without NODE_EXTRA_CA_CERTS, which a Node start would parse (~0.05 CPU-s of this ~0.13 run).
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: cleanEnv() });
    expect(r.stderr).toBe('');
    return JSON.parse(r.stdout) as { exports: { same: boolean; loads: number; file: string }; uses: string[] };
  };

  it('runs a bundle and the bundles it requires once each; caches both 0600 on save; the next run hits', () => {
    const main = writeBundles(path.join(tmp, 'dist'));
    const dir = cacheDir({ env: env(), platform: 'linux', uid })!;
    const first = run(main, dir);
    expect(first.exports).toEqual({ same: true, loads: 1, path: path.sep, file: main });
    expect(first.uses).toEqual(['miss', 'miss']);
    const files = readdirSync(dir).sort();
    expect(files).toEqual([
      `kernel.00112233445566778899aabbccddeeff.${process.versions.v8}.v8-defaults.bin`,
      `main.ffeeddccbbaa99887766554433221100.${process.versions.v8}.v8-defaults.bin`,
    ]);
    for (const f of files) expect(statSync(path.join(dir, f)).mode & 0o777).toBe(0o600);
    const second = run(main, dir);
    expect(second.uses).toEqual(['hit', 'hit']);
    expect(second.exports).toEqual(first.exports);
  });

  it('ignores a cache file others may write, and rewrites one V8 rejects; the bundle runs the same', () => {
    const main = writeBundles(path.join(tmp, 'dist'));
    const dir = cacheDir({ env: env(), platform: 'linux', uid })!;
    run(main, dir);
    const [kernelCache, mainCache] = readdirSync(dir)
      .sort()
      .map((f) => path.join(dir, f));
    chmodSync(kernelCache!, 0o622);
    writeFileSync(mainCache!, 'not V8 data at all, but the right owner and mode');
    const again = run(main, dir);
    expect(again.uses).toEqual(['rejected', 'miss']);
    expect(again.exports.same).toBe(true);
    expect(statSync(kernelCache!).mode & 0o777).toBe(0o600);
    expect(run(main, dir).uses).toEqual(['hit', 'hit']);
  });

  it('without a folder, or for a bundle with no hash line, compiles without a cache', () => {
    const main = writeBundles(path.join(tmp, 'dist'));
    expect(run(main, undefined).uses).toEqual(['off', 'off']);
    writeFileSync(main, 'module.exports = { same: true };\n');
    const dir = cacheDir({ env: env(), platform: 'linux', uid })!;
    expect(run(main, dir).uses).toEqual(['off']);
    expect(readdirSync(dir)).toEqual([]);
  });
});
