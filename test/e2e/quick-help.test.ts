// `wxpay --help`, `-h` and `help` are printed from the code-cache folder after the first run (src/quick-help.ts),
// without loading commander or the start-up bundle (issue 19, cold start). These tests hold the fast text to be
// byte-identical to what commander prints, piped and on a terminal of a given width, and show that a cached text
// of another build, or one someone else could have written, is never printed.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { programHelp } from '../../src/cli.js';
import { cleanEnv } from '../helpers/cli.js';
import { binPath, repoRoot } from '../helpers/paths.js';
import { removeTemp } from '../helpers/scan-written-files.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'wxpay-quick-help-'));
afterAll(() => removeTemp(dir));

// Preloaded into the child: at exit, writes the files it read through fs.readFileSync (the bundle loader does).
const hook = path.join(dir, 'list-reads.cjs');
writeFileSync(
  hook,
  `const fs = require('fs'); const read = []; const readFileSync = fs.readFileSync;
  fs.readFileSync = function (file, ...rest) { if (typeof file === 'string') read.push(file); return readFileSync.call(this, file, ...rest); };
  process.on('exit', () => fs.writeFileSync(process.env.LIST_FILE, JSON.stringify(read)));`,
);

/** One piped run of bin/wxpay with its own cache folder: what it printed and whether it read the start-up bundle. */
function run(xdg: string, args: string[], extraEnv: Record<string, string> = {}) {
  const listFile = path.join(dir, 'reads.json');
  const env = cleanEnv({ XDG_CACHE_HOME: xdg, LIST_FILE: listFile, ...extraEnv });
  const r = spawnSync(process.execPath, ['--require', hook, binPath, ...args], { cwd: dir, env });
  expect(r.status, r.stderr.toString()).toBe(0);
  const reads = JSON.parse(readFileSync(listFile, 'utf8')) as string[];
  return { stdout: r.stdout, commander: reads.includes(path.join(repoRoot, 'dist', 'wxpay-cli.cjs')) };
}

const cacheFolder = (xdg: string) => path.join(xdg, 'wxpay', 'code-cache');
const helpFiles = (xdg: string) => readdirSync(cacheFolder(xdg)).filter((f) => f.startsWith('help.'));

// The piped first run, which fills a cache folder: made once, and read (or copied, by the test that tampers with it)
// by each test below, each process start being ~0.15 CPU-s.
const pipedXdg = path.join(dir, 'xdg-pipe');
let piped: ReturnType<typeof run> | undefined;
const firstPiped = () => (piped ??= run(pipedXdg, ['--help']));
// `-h` and `help` with the cache turned off, in the filled folder: commander prints (the cache-off check comes before
// the argv is looked at, so `--help` takes the same path), and the same bytes as for `--help`. Shared by two tests.
let cacheOff: ReturnType<typeof run>[] | undefined;
const helpWordsCacheOff = () =>
  (cacheOff ??= [['-h'], ['help']].map((args) => run(pipedXdg, args, { NODE_DISABLE_COMPILE_CACHE: '1' })));

describe('the top-level help from the cache (src/quick-help.ts)', () => {
  it('piped: the first run prints through commander and keeps the text; later runs print the same bytes without it', () => {
    const xdg = pipedXdg;
    const first = firstPiped();
    expect(first.commander).toBe(true);
    expect(first.stdout.toString()).toContain('Usage: wxpay [options] [command]');
    expect(helpFiles(xdg)).toEqual([expect.stringMatching(/^help\.[0-9a-f]{32}\.pipe\.plain\.txt$/)]);
    for (const args of [['--help'], ['-h'], ['help']]) {
      const fast = run(xdg, args);
      expect(fast.commander).toBe(false);
      expect(fast.stdout.equals(first.stdout)).toBe(true);
    }
    // commander prints the same text for all three, so they may share the one file.
    for (const off of helpWordsCacheOff()) expect(off.stdout.equals(first.stdout)).toBe(true);
    expect(programHelp(undefined, false)).toBe(first.stdout.toString());
  });

  it('anything besides the help word runs commander: other arguments, or a cache turned off', () => {
    firstPiped();
    const xdg = pipedXdg;
    expect(run(xdg, ['--help', '--json']).commander).toBe(true);
    expect(run(xdg, ['help', 'sign']).commander).toBe(true);
    expect(helpWordsCacheOff().map((off) => off.commander)).toEqual([true, true]);
  });

  it('a cached text of another build, or one others could have written, is never printed', () => {
    const good = firstPiped().stdout;
    const xdg = path.join(dir, 'xdg-stale');
    cpSync(pipedXdg, xdg, { recursive: true });
    const [name] = helpFiles(xdg);
    const file = path.join(cacheFolder(xdg), name!);
    // A build's help is found by that build's content hash only: another hash's file is not looked at.
    writeFileSync(file.replace(/help\.[0-9a-f]{32}/, `help.${'0'.repeat(32)}`), 'STALE HELP\n', { mode: 0o600 });
    expect(run(xdg, ['--help']).stdout.equals(good)).toBe(true);
    // Group- or world-writable: refused like a code-cache file, commander prints, and the file is not trusted.
    writeFileSync(file, 'FORGED HELP\n');
    chmodSync(file, 0o666);
    const forged = run(xdg, ['--help']);
    expect(forged.commander).toBe(true);
    expect(forged.stdout.equals(good)).toBe(true);
  });
});

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

describe('the top-level help on a terminal', () => {
  // util-linux `script` gives the run a pseudo-terminal of 100 columns, so commander wraps at 100.
  const onTty = (xdg: string) => {
    const listFile = path.join(dir, 'tty-reads.json');
    const cmd = `stty cols 100; "${process.execPath}" --require "${hook}" "${binPath}" --help`;
    const env = cleanEnv({ XDG_CACHE_HOME: xdg, LIST_FILE: listFile });
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: dir, env });
    expect(r.status, r.stderr.toString()).toBe(0);
    const reads = JSON.parse(readFileSync(listFile, 'utf8')) as string[];
    return { stdout: r.stdout.toString(), commander: reads.includes(path.join(repoRoot, 'dist', 'wxpay-cli.cjs')) };
  };

  it.skipIf(!hasScript)('is cached per width and prints byte for byte what commander printed at that width', () => {
    const xdg = path.join(dir, 'xdg-tty');
    const first = onTty(xdg);
    expect(first.commander).toBe(true);
    expect(helpFiles(xdg)).toEqual([expect.stringMatching(/^help\.[0-9a-f]{32}\.100\.plain\.txt$/)]);
    const cached = readFileSync(path.join(cacheFolder(xdg), helpFiles(xdg)[0]!), 'utf8');
    expect(cached).toBe(programHelp(100, false));
    expect(cached).not.toBe(programHelp(undefined, false));
    // The terminal turns each \n into \r\n.
    expect(first.stdout).toBe(cached.replaceAll('\n', '\r\n'));
    expect(onTty(xdg)).toEqual({ stdout: first.stdout, commander: false });
  });
});
