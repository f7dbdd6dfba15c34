// Where a test run keeps its temp folders (test/helpers/temp-base.ts): /dev/shm when it is a roomy tmpfs, unless the
// user named a folder. `stat -f` (coreutils) is the independent judge of what /dev/shm is on this machine.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { chooseTempBase, memoryTempDir } from '../helpers/temp-base.js';
import { repoRoot } from '../helpers/paths.js';

const fsType = (dir: string): string | undefined => {
  try {
    return execFileSync('stat', ['-f', '-c', '%T', dir], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
};

describe('the run temp folder', () => {
  it('is the folder WXPAY_TEST_TMPDIR names, before anything else', () => {
    expect(chooseTempBase({ WXPAY_TEST_TMPDIR: '/srv/scratch', TMPDIR: '/var/tmp' })).toEqual({
      dir: '/srv/scratch',
      memory: false,
    });
  });

  it('keeps an explicit TMPDIR (the user chose it)', () => {
    expect(chooseTempBase({ TMPDIR: os.tmpdir() })).toEqual({ dir: os.tmpdir(), memory: false });
  });

  it('uses /dev/shm only when it is a tmpfs with the room a run needs', () => {
    const shm = fsType('/dev/shm');
    expect(memoryTempDir()).toBe(process.platform === 'linux' && shm === 'tmpfs' ? '/dev/shm' : undefined);
    expect(chooseTempBase({}).memory).toBe(memoryTempDir() !== undefined);
    // Too little room, a folder that is not there, a folder on another file system: all refused.
    expect(memoryTempDir('/dev/shm', Number.MAX_SAFE_INTEGER)).toBeUndefined();
    expect(memoryTempDir('/no/such/folder')).toBeUndefined();
    if (fsType(repoRoot) !== 'tmpfs') expect(memoryTempDir(repoRoot, 0)).toBeUndefined();
  });
});
