// Issue 12 "Safe file writes": the one writer for files holding payment data or keys creates them 0600, never
// writes through a symlink (a dangling one included), and uses unpredictable O_EXCL temp names.
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
// Lets one test pin the "random" temp name, to prove the temp is opened O_EXCL: guessing it gains an attacker nothing.
const pin = vi.hoisted(() => ({ on: false }));
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, randomBytes: (n: number) => (pin.on ? Buffer.alloc(n, 0xab) : real.randomBytes(n)) };
});

import {
  commitTemp,
  openAppendSafe,
  tempPathFor,
  writeFileSafe,
  writeFileSafeSync,
} from '../../src/files/safe-write.js';
import { removeTemp } from '../helpers/scan-written-files.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'wxpay-safe-write-'));
});
afterEach(() => {
  removeTemp(dir);
  pin.on = false;
});

const modeOf = (f: string) => statSync(f).mode & 0o777;
const writers = {
  writeFileSafe: (f: string, d: string) => writeFileSafe(f, d),
  writeFileSafeSync: async (f: string, d: string) => writeFileSafeSync(f, d),
};

describe.each(Object.entries(writers))('%s', (_name, write) => {
  it('creates the file 0600 even under a permissive umask', async () => {
    const old = process.umask(0);
    try {
      await write(path.join(dir, 'a.csv'), 'x');
    } finally {
      process.umask(old);
    }
    expect(modeOf(path.join(dir, 'a.csv'))).toBe(0o600);
    expect(readFileSync(path.join(dir, 'a.csv'), 'utf8')).toBe('x');
  });

  it('replaces an existing 0644 file with a 0600 one holding the new contents', async () => {
    const f = path.join(dir, 'a.csv');
    writeFileSync(f, 'old');
    chmodSync(f, 0o644);
    await write(f, 'new');
    expect(readFileSync(f, 'utf8')).toBe('new');
    expect(modeOf(f)).toBe(0o600);
  });

  it('symlinks are not followed: a link to an existing file is refused and the file is untouched', async () => {
    const victim = path.join(dir, 'victim');
    writeFileSync(victim, 'keep');
    symlinkSync(victim, path.join(dir, 'out.pem'));
    await expect(write(path.join(dir, 'out.pem'), 'evil')).rejects.toMatchObject({ code: 'FILE_UNSAFE', exitCode: 2 });
    expect(readFileSync(victim, 'utf8')).toBe('keep');
    expect(lstatSync(path.join(dir, 'out.pem')).isSymbolicLink()).toBe(true);
  });

  it('symlinks are not followed: a dangling link is refused and nothing is created at its target', async () => {
    const target = path.join(dir, 'created-by-attacker-link');
    symlinkSync(target, path.join(dir, 'out.pem'));
    await expect(write(path.join(dir, 'out.pem'), 'evil')).rejects.toMatchObject({ code: 'FILE_UNSAFE' });
    expect(existsSync(target)).toBe(false);
  });

  it('leaves no temp file behind, after success or after a refusal', async () => {
    await write(path.join(dir, 'ok.json'), '{}');
    symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'bad.json'));
    await write(path.join(dir, 'bad.json'), '{}').catch(() => undefined);
    expect(readdirSync(dir).sort()).toEqual(['bad.json', 'ok.json']);
  });
});

describe('tempPathFor', () => {
  it('is a hidden sibling with 128 unpredictable bits, different every call', () => {
    const f = path.join(dir, 'result.csv');
    const names = new Set(Array.from({ length: 50 }, () => tempPathFor(f)));
    expect(names.size).toBe(50);
    for (const n of names) {
      expect(path.dirname(n)).toBe(dir);
      expect(path.basename(n)).toMatch(/^\.result\.csv\.[0-9a-f]{32}\.tmp$/);
    }
  });

  it('a pre-planted file or symlink at the temp name makes the write fail (O_EXCL), never write through it', async () => {
    const victim = path.join(dir, 'victim');
    const f = path.join(dir, 'result.csv');
    pin.on = true;
    const planted = tempPathFor(f);
    symlinkSync(victim, planted);
    await expect(writeFileSafe(f, 'secret')).rejects.toMatchObject({ code: 'EEXIST' });
    expect(() => writeFileSafeSync(f, 'secret')).toThrow(/EEXIST/);
    pin.on = false;
    expect(existsSync(victim)).toBe(false);
    expect(existsSync(f)).toBe(false);
  });
});

describe('commitTemp', () => {
  it('refuses a symlink at the target and removes the temp', async () => {
    const f = path.join(dir, 'bill.csv');
    symlinkSync(path.join(dir, 'elsewhere'), f);
    const temp = tempPathFor(f);
    writeFileSync(temp, 'rows', { mode: 0o600 });
    await expect(commitTemp(temp, f)).rejects.toMatchObject({ code: 'FILE_UNSAFE' });
    expect(existsSync(temp)).toBe(false);
    expect(existsSync(path.join(dir, 'elsewhere'))).toBe(false);
  });
});

describe('openAppendSafe', () => {
  it('creates a journal 0600 and appends', async () => {
    const f = path.join(dir, 'j.ndjson');
    for (const line of ['a\n', 'b\n']) {
      const fh = await openAppendSafe(f);
      await fh.write(line);
      await fh.close();
    }
    expect(readFileSync(f, 'utf8')).toBe('a\nb\n');
    expect(modeOf(f)).toBe(0o600);
  });

  it('tightens an existing 0644 journal to 0600 and can read it with read: true', async () => {
    const f = path.join(dir, 'j.ndjson');
    writeFileSync(f, 'old\n');
    chmodSync(f, 0o644);
    const fh = await openAppendSafe(f, { read: true });
    await fh.write('new\n');
    const { bytesRead, buffer } = await fh.read(Buffer.alloc(8), 0, 8, 0);
    await fh.close();
    expect(buffer.subarray(0, bytesRead).toString()).toBe('old\nnew\n');
    expect(modeOf(f)).toBe(0o600);
  });

  it.each([
    ['an existing file', true],
    ['nothing (dangling)', false],
  ])('symlinks are not followed: a link to %s is refused', async (_what, targetExists) => {
    const target = path.join(dir, 'target');
    if (targetExists) writeFileSync(target, 'keep');
    symlinkSync(target, path.join(dir, 'j.ndjson'));
    await expect(openAppendSafe(path.join(dir, 'j.ndjson'))).rejects.toMatchObject({ code: 'FILE_UNSAFE' });
    expect(targetExists ? readFileSync(target, 'utf8') : existsSync(target)).toBe(targetExists ? 'keep' : false);
  });

  it('refuses a folder', async () => {
    await expect(openAppendSafe(dir)).rejects.toBeDefined();
  });
});
