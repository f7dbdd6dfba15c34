// Where a test run keeps its temp folders (test/helpers/temp-base.ts): /dev/shm when it is a roomy tmpfs that may run
// programs, unless the user named a folder; and the sweep of folders an interrupted run left. `stat -f` and `findmnt`
// (coreutils, util-linux) are the independent judges of what /dev/shm is on this machine.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseTempBase, memoryTempDir, runFolderPrefix, sweepStaleRuns } from '../helpers/temp-base.js';
import { repoRoot } from '../helpers/paths.js';
import { removeTemp } from '../helpers/scan-written-files.js';

const tool = (cmd: string, args: string[]): string | undefined => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
};
const fsType = (dir: string) => tool('stat', ['-f', '-c', '%T', dir]);

describe('the run temp folder', () => {
  it('is the folder WXPAY_TEST_TMPDIR names, before anything else; a missing one is a clear error', () => {
    expect(chooseTempBase({ WXPAY_TEST_TMPDIR: os.tmpdir(), TMPDIR: '/var/tmp' })).toEqual({
      dir: path.resolve(os.tmpdir()),
      memory: false,
    });
    expect(() => chooseTempBase({ WXPAY_TEST_TMPDIR: '/no/such/folder' })).toThrow(
      'WXPAY_TEST_TMPDIR=/no/such/folder: no such folder',
    );
  });

  it('keeps an explicit TMPDIR (the user chose it), the one given, not this process’s', () => {
    expect(chooseTempBase({ TMPDIR: '/var/tmp' })).toEqual({ dir: '/var/tmp', memory: false });
  });

  it('uses /dev/shm only when it is a tmpfs, not mounted noexec, with the room a run needs', () => {
    const usable = process.platform === 'linux' && fsType('/dev/shm') === 'tmpfs';
    const noexec = (tool('findmnt', ['-no', 'OPTIONS', '/dev/shm']) ?? '').split(/[,\n]/).includes('noexec');
    // Room apart (minFree 0): what the file system is decides.
    expect(memoryTempDir('/dev/shm', 0)).toBe(usable && !noexec ? '/dev/shm' : undefined);
    expect(chooseTempBase({}).memory).toBe(memoryTempDir() !== undefined);
    // Too little room, a folder that is not there, a folder on another file system: all refused.
    expect(memoryTempDir('/dev/shm', Number.MAX_SAFE_INTEGER)).toBeUndefined();
    expect(memoryTempDir('/no/such/folder', 0)).toBeUndefined();
    if (fsType(repoRoot) !== 'tmpfs') expect(memoryTempDir(repoRoot, 0)).toBeUndefined();
  });
});

describe('folders of interrupted runs', () => {
  const base = mkdtempSync(path.join(os.tmpdir(), 'wxpay-sweep-'));
  afterAll(() => removeTemp(base));

  it('are removed when their run is gone, after their PostgreSQL servers are stopped; live runs are kept', () => {
    const gone = spawnSync('true').pid; // reaped: no process has this pid now (unless reused at once)
    const mk = (name: string) => mkdirSync(path.join(base, name), { recursive: true });
    mk(`${runFolderPrefix('run', gone)}a1`);
    mk(`${runFolderPrefix('artifacts', gone)}b2`);
    mk(`${runFolderPrefix('pg', gone)}c3/wxpay-pg-x/data`);
    mk(`${runFolderPrefix('pg', gone)}c3/not-a-server`);
    mk(`${runFolderPrefix('run')}mine`); // this process: alive
    mk(`${runFolderPrefix('run', process.ppid)}parent`); // alive
    mk('wxpay-test-run-oldname'); // no pid in the name: not ours to judge
    mk('unrelated');
    const stopped: string[] = [];
    const removed = sweepStaleRuns(base, (dir) => stopped.push(dir));
    expect(removed.map((f) => path.basename(f)).sort()).toEqual(
      [
        `${runFolderPrefix('artifacts', gone)}b2`,
        `${runFolderPrefix('pg', gone)}c3`,
        `${runFolderPrefix('run', gone)}a1`,
      ].sort(),
    );
    expect(stopped).toEqual([path.join(base, `${runFolderPrefix('pg', gone)}c3`, 'wxpay-pg-x')]);
    expect(readdirSync(base).sort()).toEqual(
      [
        `${runFolderPrefix('run')}mine`,
        `${runFolderPrefix('run', process.ppid)}parent`,
        'unrelated',
        'wxpay-test-run-oldname',
      ].sort(),
    );
    expect(removed.every((f) => !existsSync(f))).toBe(true);
  });

  it('are removed even when their server cannot be stopped (it is gone, or the tools are)', () => {
    const gone = spawnSync('true').pid;
    const folder = path.join(base, `${runFolderPrefix('pg', gone)}d4`);
    mkdirSync(path.join(folder, 'wxpay-pg-y', 'data'), { recursive: true });
    const removed = sweepStaleRuns(base, () => {
      throw new Error('cannot start PostgreSQL: no binaries');
    });
    expect(removed).toEqual([folder]);
    expect(existsSync(folder)).toBe(false);
  });
});
