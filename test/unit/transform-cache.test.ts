import { existsSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTemp } from '../helpers/scan-written-files.js';
import { KEEP_UNUSED_DAYS, pruneTransformCache } from '../helpers/transform-cache.js';

const DAY = 24 * 60 * 60 * 1000;
const now = Date.parse('2026-12-03T12:00:00Z');
const hash = (c: string) => c.repeat(40);

describe('pruneTransformCache (the end of every test run)', () => {
  let dir: string;
  afterEach(() => removeTemp(dir));

  function entry(name: string, bytes: number, { readDaysAgo, writtenDaysAgo }: Record<string, number>): string {
    const file = path.join(dir, name);
    writeFileSync(file, Buffer.alloc(bytes, 0x61));
    utimesSync(file, new Date(now - readDaysAgo! * DAY), new Date(now - writtenDaysAgo! * DAY));
    return file;
  }

  it('removes the entries neither read nor written for KEEP_UNUSED_DAYS, and counts them', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'transform-cache-'));
    const stale = entry(hash('a'), 1000, { readDaysAgo: 4, writtenDaysAgo: 9 });
    const staler = entry(hash('b'), 500, { readDaysAgo: 30, writtenDaysAgo: 30 });
    const readToday = entry(hash('c'), 700, { readDaysAgo: 0.1, writtenDaysAgo: 20 });
    const writtenToday = entry(hash('d'), 300, { readDaysAgo: 10, writtenDaysAgo: 0.1 });
    const justInside = entry(hash('e'), 100, { readDaysAgo: KEEP_UNUSED_DAYS - 0.01, writtenDaysAgo: 9 });

    expect(pruneTransformCache(dir, { now })).toEqual({ files: 2, bytes: 1500 });
    expect([stale, staler].map(existsSync)).toEqual([false, false]);
    expect([readToday, writtenToday, justInside].map(existsSync)).toEqual([true, true, true]);
  });

  it('touches nothing but entry files: other names and folders stay, however old', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'transform-cache-'));
    const notes = entry('README', 10, { readDaysAgo: 99, writtenDaysAgo: 99 });
    const upper = entry(hash('A'), 10, { readDaysAgo: 99, writtenDaysAgo: 99 });
    const folder = path.join(dir, hash('f'));
    mkdirSync(folder);
    utimesSync(folder, new Date(now - 99 * DAY), new Date(now - 99 * DAY));

    expect(pruneTransformCache(dir, { now })).toEqual({ files: 0, bytes: 0 });
    expect([notes, upper, folder].map(existsSync)).toEqual([true, true, true]);
  });

  it('past the size cap, removes the least recently used entries this run did not write, down to half the cap', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'transform-cache-'));
    const runStart = now - 0.01 * DAY;
    const oldest = entry(hash('1'), 400, { readDaysAgo: 2, writtenDaysAgo: 2 });
    const older = entry(hash('2'), 400, { readDaysAgo: 1, writtenDaysAgo: 2 });
    const recent = entry(hash('3'), 400, { readDaysAgo: 0.5, writtenDaysAgo: 2 });
    // Written by this run, and the oldest read: never removed for size.
    const ours = entry(hash('4'), 400, { readDaysAgo: 2.5, writtenDaysAgo: 0 });

    // 1,600 bytes against a cap of 1,500: down to 750 at most, so three go and only this run's entry stays.
    expect(pruneTransformCache(dir, { now, runStart, maxBytes: 1500 })).toEqual({ files: 3, bytes: 1200 });
    expect([oldest, older, recent, ours].map(existsSync)).toEqual([false, false, false, true]);
  });

  it('under the size cap, keeps every entry used within the window', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'transform-cache-'));
    const a = entry(hash('5'), 400, { readDaysAgo: 2, writtenDaysAgo: 2 });
    const b = entry(hash('6'), 400, { readDaysAgo: 1, writtenDaysAgo: 2 });
    expect(pruneTransformCache(dir, { now, runStart: now, maxBytes: 800 })).toEqual({ files: 0, bytes: 0 });
    expect([a, b].map(existsSync)).toEqual([true, true]);
  });

  it('is no work when the cache folder does not exist (a fresh clone)', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'transform-cache-'));
    expect(pruneTransformCache(path.join(dir, 'missing'), { now })).toEqual({ files: 0, bytes: 0 });
  });
});
