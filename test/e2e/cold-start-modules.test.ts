// Regression (cold-start-loads-unused-modules, issue 19): the start-up path loaded code no run of it needed:
// commander's node:child_process (and with it net, dgram…) for executable sub-commands wxpay never declares,
// perf_hooks for a start time only `demo` reads, cosmiconfig (its whole index, even with no rc file to read),
// every command's declarations to run one of them, and the ES module loader with the thirty-odd modules a command
// imported. Each cost milliseconds of every start (BENCHMARKS.md).
// These tests read what a real bin/wxpay process loaded, so they fail the day one of them creeps back.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli.js';
import type { Runtime } from '../../src/runtime.js';
import { cleanEnv } from '../helpers/cli.js';
import { binPath, repoRoot } from '../helpers/paths.js';
import { removeTemp } from '../helpers/scan-written-files.js';
import { vectorFile } from '../helpers/vectors.js';
import { REFUND_DRY } from '../helpers/dry-run-args.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'wxpay-cold-'));
afterAll(() => removeTemp(dir));

// Preloaded into the child: records the files it reads through fs.readFileSync (Node's CommonJS loader and the
// bundle loader both do), and at exit writes them with Node's list of built-in modules loaded.
const hook = path.join(dir, 'list-modules.cjs');
writeFileSync(
  hook,
  `const fs = require('fs'); const read = []; const readFileSync = fs.readFileSync;
  fs.readFileSync = function (file, ...rest) { if (typeof file === 'string') read.push(file); return readFileSync.call(this, file, ...rest); };
  process.on('exit', () => fs.writeFileSync(process.env.LIST_FILE, JSON.stringify({ builtins: process.moduleLoadList, files: [...Object.keys(require.cache), ...read] })));`,
);

interface Loaded {
  builtins: string[];
  files: string[];
}

// One process per argv and cache state: the tests below read different facts of the same run (a process start is
// ~0.15 CPU-s). 'cold' is the first run of that argv (its bundles not in the code cache yet); 'warm' is a second run
// in the same cache folder, which loads its bundles through the code cache src/code-cache.ts wrote the first time.
type Cache = 'cold' | 'warm';
const runs = new Map<string, Loaded>();
function loadedBy(args: string[], cache: Cache = 'cold'): Loaded {
  if (cache === 'warm') loadedBy(args, 'cold');
  const key = JSON.stringify([cache, args]);
  let loaded = runs.get(key);
  if (!loaded) runs.set(key, (loaded = spawnLoaded(args)));
  return loaded;
}

function spawnLoaded(args: string[]): Loaded {
  const listFile = path.join(dir, 'list.json');
  const env = cleanEnv({
    LIST_FILE: listFile,
    XDG_CACHE_HOME: path.join(dir, 'xdg-modules'),
    WXPAY_MCHID: '1900007291',
    WXPAY_SERIAL_NO: '408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB',
    WXPAY_PRIVATE_KEY_PATH: vectorFile('doc_merchant_key.pem'),
  });
  const r = spawnSync(process.execPath, ['--require', hook, binPath, ...args], { cwd: dir, env, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const { builtins, files } = JSON.parse(readFileSync(listFile, 'utf8')) as { builtins: string[]; files: string[] };
  return { builtins, files: [...new Set(files)] };
}

const CACHES: Cache[] = ['cold', 'warm'];
const SIGN = ['sign', 'GET', '/v3/refund/domestic/refunds/1', '--timestamp', '1554208460', '--nonce', 'N1'];

describe('cold start loads only what the run needs', () => {
  it.each([
    [['--help'], 'cold'],
    [SIGN, 'cold'],
    [SIGN, 'warm'],
  ] as [string[], Cache][])('wxpay %j (%s) loads neither child_process nor perf_hooks', (args, cache) => {
    const { builtins } = loadedBy(args, cache);
    expect(builtins).not.toContain('NativeModule child_process');
    expect(builtins).not.toContain('NativeModule perf_hooks');
  });

  it.each(CACHES)(
    'wxpay sign (%s) never starts the ES module loader: it reads its own bundle and the kernel, no other wxpay file',
    (cache) => {
      const { builtins, files } = loadedBy(SIGN, cache);
      expect(builtins).not.toContain('NativeModule internal/modules/esm/translators');
      const own = files.filter((f) => f.startsWith(repoRoot) && !/node_modules|fixtures/.test(f));
      expect(own.map((f) => path.relative(repoRoot, f).split(path.sep).join('/')).sort()).toEqual([
        'bin/wxpay',
        'dist/bundle/commands.sign.cjs',
        'dist/bundle/kernel.cjs',
        'dist/code-cache.cjs',
        'dist/wxpay-cli.cjs',
      ]);
    },
  );

  // undici was ~60 files resolved, read and compiled from node_modules at every API command's start; it is one bundle
  // loaded through the code cache now (scripts/bundle-plugins.mjs undiciLinks). A dry run loads the client, sends nothing.
  it.each(CACHES)(
    'an API command (%s) reads undici from dist/bundle/undici.cjs, no file of node_modules/undici',
    (cache) => {
      const { files } = loadedBy(REFUND_DRY, cache);
      const rel = files.map((f) => path.relative(repoRoot, f).split(path.sep).join('/'));
      expect(rel).toContain('dist/bundle/undici.cjs');
      expect(rel.filter((f) => f.includes('node_modules/undici/'))).toEqual([]);
    },
  );

  it('every command bundle loads: each npm package it requires resolves from dist/bundle', () => {
    const bundles = readdirSync(path.join(repoRoot, 'dist', 'bundle')).map((f) =>
      path.join(repoRoot, 'dist', 'bundle', f),
    );
    expect(bundles.length).toBeGreaterThan(40);
    const r = spawnSync(process.execPath, ['-e', `for (const f of ${JSON.stringify(bundles)}) require(f)`], {
      encoding: 'utf8',
      env: cleanEnv(),
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  // node:v8, loaded only to set the CLI's WebAssembly flag, brought its heap-snapshot streams: ~4.6 ms of a sign.
  // Commands that send nothing leave the flags alone (src/v8-flags.ts OFFLINE_COMMANDS); an API command sets them.
  it.each([
    [['--help'], 'cold'],
    [['--help'], 'warm'],
    [SIGN, 'cold'],
    [SIGN, 'warm'],
  ] as [string[], Cache][])('wxpay %j (%s) loads no node:v8', (args, cache) => {
    expect(loadedBy(args, cache).builtins).not.toContain('NativeModule v8');
  });

  it('an API command loads node:v8, to set its flag', () => {
    expect(loadedBy(REFUND_DRY).builtins).toContain('NativeModule v8');
  });

  // node:fs/promises brought readline, the fs watchers and the stream machinery, ~7% of this start, to read a key
  // and stat a few rc candidates; config, credentials and command inputs use node:fs's callbacks (files/fs-callbacks.ts).
  it.each(CACHES)('wxpay sign (%s) loads no node:fs/promises (nor the readline it pulls in)', (cache) => {
    const { builtins } = loadedBy(SIGN, cache);
    expect(builtins).toContain('NativeModule crypto');
    expect(builtins).not.toContain('NativeModule fs/promises');
    expect(builtins).not.toContain('NativeModule internal/readline/interface');
  });

  it.each(CACHES)(
    'wxpay sign (%s) with no rc file around (settings from WXPAY_*) loads no cosmiconfig code',
    (cache) => {
      const cosmiconfig = loadedBy(SIGN, cache).files.filter((f) => f.includes(`${path.sep}cosmiconfig${path.sep}`));
      expect(cosmiconfig).toEqual([]);
    },
  );
});

describe('the program declares only the command that runs', () => {
  const rt = { env: {}, cwd: dir } as unknown as Runtime;
  const declared = (...args: string[]) => buildProgram(rt, ['node', 'wxpay', ...args]).commands.map((c) => c.name());
  const all = buildProgram(rt).commands.map((c) => c.name());

  it('declares one top-level command (and help) when argv names it, after global options and their values', () => {
    expect(declared('sign', 'GET', '/v3/x')).toEqual(['sign', 'help']);
    expect(declared('--profile', 'refund', '--json', 'query', 'order')).toEqual(['query', 'help']);
    expect(declared('--config=x.json', 'bill', '--help')).toEqual(['bill', 'help']);
    // Each word of the table declares the command of that name.
    for (const name of all.filter((n) => !['help', 'completion'].includes(n))) {
      expect(declared(name)).toEqual([name, 'help']);
    }
  });

  it('declares every command for help, completion, a typo, no command, or "--" first', () => {
    expect(all.length).toBeGreaterThan(20);
    for (const args of [['--help'], ['help', 'sign'], ['completion', 'bash'], ['sgin'], [], ['--', 'sign']]) {
      expect(declared(...args)).toEqual(all);
    }
  });
});

describe('the code cache (src/code-cache.ts)', () => {
  it('bin/wxpay caches the bundles a run loaded in XDG_CACHE_HOME, 0600, and a cached run prints the same', () => {
    const xdg = path.join(dir, 'xdg');
    const env = cleanEnv({ XDG_CACHE_HOME: xdg });
    const help = () => spawnSync(process.execPath, [binPath, 'query', '--help'], { cwd: dir, env, encoding: 'utf8' });
    const first = help();
    const cached = readdirSync(path.join(xdg, 'wxpay', 'code-cache'));
    expect(cached.map((f) => f.split('.')[0]).sort()).toEqual(['wxpay-cli']);
    expect(statSync(path.join(xdg, 'wxpay', 'code-cache', cached[0]!)).mode & 0o777).toBe(0o600);
    const second = help();
    expect(second.status).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(second.stdout).toContain('Usage: wxpay query');
  });
});
