// `npm pack` makes a tarball that installs and runs anywhere (issue 14): pack the built tree, install the tarball
// into a temp prefix as a global install would (dependencies from the npm cache when it has them), then run the
// installed `wxpay --version` and `wxpay demo` from an empty folder. The tarball carries only bin/, dist/, the
// README and package.json: no tests, fixtures or keys. Its content is read from the tarball's bytes in memory
// (test/helpers/tarball.ts): unpacking ~900 files with tar, walking, reading and removing them cost more than the
// checks themselves.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/version.js';
import { cleanEnv } from '../helpers/clean-env.js';
import { repoRoot } from '../helpers/paths.js';
import { loadVectors } from '../helpers/vectors.js';
import { removeTemp } from '../helpers/scan-written-files.js';
import { readTarball } from '../helpers/tarball.js';

const run = promisify(execFile);
const big = { maxBuffer: 64 * 1024 * 1024 };

describe('npm pack → install → run', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'wxpay-pack-'));
  afterAll(() => removeTemp(tmp));
  let tarball = '';

  it('packs bin/, dist/, README.md and package.json only, with no key material', async () => {
    // --ignore-scripts: `prepare` would rebuild dist/ under the other tests' feet; pretest has just built it. Packing
    // reads no registry: cleanEnv leaves out NODE_EXTRA_CA_CERTS, which every Node start parses (~0.05 CPU-s).
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], {
      cwd: repoRoot,
      env: cleanEnv(),
      ...big,
    });
    const [info] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string; size: number }> }>;
    tarball = path.join(tmp, info!.filename);
    const paths = info!.files.map((f) => f.path);
    expect([...new Set(paths.map((p) => p.split('/')[0]))].sort()).toEqual([
      'README.md',
      'bin',
      'dist',
      'package.json',
    ]);
    expect(paths.filter((p) => /(^|\/)test\/|\.(pem|key|p12)$/.test(p))).toEqual([]);
    // The tarball holds exactly the files npm listed, byte counts included (npm puts each under package/).
    const files = readTarball(readFileSync(tarball)).filter((e) => e.type === '0');
    const inTarball = files.map((e) => ({ path: e.path.replace(/^package\//, ''), size: e.content.length }));
    const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : 1);
    expect(inTarball.sort(byPath)).toEqual(info!.files.map(({ path: p, size }) => ({ path: p, size })).sort(byPath));
    const secrets = loadVectors()
      .flatMap((v) => [v.apiV3Key, v.expectedSignature])
      .filter((s): s is string => typeof s === 'string');
    // One assertion over all ~900 files (an expect() per file and secret cost more than the reading).
    const pem = /-----BEGIN [A-Z ]*PRIVATE KEY-----\s*[A-Za-z0-9+/]{40}/;
    const found = files.flatMap((e) => {
      const text = e.content.toString('utf8');
      return [
        ...(pem.test(text) ? [`${e.path}: a private key`] : []),
        ...secrets.filter((s) => text.includes(s)).map(() => `${e.path}: a test secret`),
      ];
    });
    expect(found).toEqual([]);
  }, 120_000);

  it('installs into a temp prefix and runs wxpay --version and wxpay demo from an empty folder', async () => {
    expect(tarball).not.toBe('');
    const prefix = path.join(tmp, 'prefix');
    await run('npm', ['install', '-g', '--prefix', prefix, tarball, '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: tmp,
      ...big,
    });
    const bin = path.join(prefix, 'bin', 'wxpay');
    expect(existsSync(bin)).toBe(true);
    const work = path.join(tmp, 'elsewhere');
    const scratch = path.join(tmp, 'scratch');
    mkdirSync(work);
    mkdirSync(scratch);
    // No route back to the clone: only the installed package, and a TMPDIR this test can inspect.
    const env = cleanEnv({ TMPDIR: scratch, NODE_PATH: undefined });
    const version = await run(bin, ['--version'], { cwd: work, env });
    expect(version.stdout.trim()).toBe(VERSION);
    const demo = await run(bin, ['demo'], { cwd: work, env, timeout: 120_000, ...big });
    expect(demo.stdout).toMatch(/all 11 steps passed/);
    expect(readdirSync(scratch).filter((n) => n.startsWith('wxpay-demo'))).toEqual([]);
    expect(readdirSync(work)).toEqual([]);
  }, 240_000);
});
