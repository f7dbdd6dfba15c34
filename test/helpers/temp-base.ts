// Where a test run keeps its temp folders (test/helpers/global-setup.ts). On Linux that is /dev/shm when it is a tmpfs
// with room to spare: the run writes and removes a node_modules tree (the fresh-clone test), a PostgreSQL cluster with
// a database per test, journals fsynced per callback and many small files. On a disk those cost system time in the
// file system's journal, in each fsync's device flush and, where the disk is mounted with `discard` (this project's
// VMs), in a TRIM per freed extent: the same run took ~12 CPU-s and ~7 s less on /dev/shm (BENCHMARKS.md, "Test
// suite", session 11). Nothing a test checks depends on surviving a power cut: the durability tests count fsyncs and
// kill processes, which a tmpfs serves as a disk does.
//
// WXPAY_TEST_TMPDIR names the folder outright. An explicit TMPDIR is the user's choice and is kept. Otherwise /dev/shm,
// if it is a tmpfs with MIN_FREE_BYTES free (and that much memory available: its pages are RAM), on which a file may
// be executed (Docker mounts it noexec: the installed `wxpay` and native modules would not run), else os.tmpdir().
//
// An interrupted run (Ctrl-C: vitest exits without its global teardown) leaves its folders behind, in RAM when they
// are in /dev/shm. Their names carry the run's pid, and the next run removes those of runs no longer alive
// (sweepStaleRuns), stopping a PostgreSQL server left running in them first.
import { accessSync, chmodSync, constants, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { statfsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { processAlive } from '../../src/batch/journal-lock.js';

/** statfs(2)'s f_type of a tmpfs (linux/magic.h). */
const TMPFS_MAGIC = 0x01021994;
/** A run peaked at ~240 MB in /dev/shm (a node_modules tree, the PostgreSQL cluster, installed packages): ample room. */
const MIN_FREE_BYTES = 2 * 1024 ** 3;
const SHM = '/dev/shm';

export interface TempBase {
  /** The folder the run's temp folders go in. */
  dir: string;
  /** Whether it is memory (tmpfs) rather than a disk. */
  memory: boolean;
}

/** MemAvailable from /proc/meminfo, in bytes (Infinity where it cannot be read). */
function memAvailable(): number {
  const m = /^MemAvailable:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'));
  return m ? Number(m[1]) * 1024 : Infinity;
}

/** Whether a file in `dir` may be executed: access(2) with X_OK on a regular file fails on a noexec mount (on a folder
 *  it does not). */
function canExecuteIn(dir: string): boolean {
  const probe = mkdtempSync(path.join(dir, 'wxpay-exec-probe-'));
  try {
    const file = path.join(probe, 'x');
    writeFileSync(file, '#!/bin/sh\n');
    chmodSync(file, 0o700);
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

/** `shm` when it is a writable tmpfs with `minFree` bytes free and as much memory available, on which files may be
 *  executed; else undefined. */
export function memoryTempDir(shm = SHM, minFree = MIN_FREE_BYTES): string | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const fs = statfsSync(shm);
    if (fs.type !== TMPFS_MAGIC || fs.bavail * fs.bsize < minFree || memAvailable() < minFree) return undefined;
    return canExecuteIn(shm) ? shm : undefined;
  } catch {
    return undefined; // no such folder, or not writable
  }
}

/** The folder for this run's temp folders: see the comment at the top of this file. */
export function chooseTempBase(env: NodeJS.ProcessEnv = process.env): TempBase {
  const named = env.WXPAY_TEST_TMPDIR;
  if (named) {
    if (!existsSync(named)) throw new Error(`WXPAY_TEST_TMPDIR=${named}: no such folder (create it, or unset it)`);
    return { dir: path.resolve(named), memory: false };
  }
  if (env.TMPDIR) return { dir: path.resolve(env.TMPDIR), memory: false };
  const shm = memoryTempDir();
  return shm ? { dir: shm, memory: true } : { dir: os.tmpdir(), memory: false };
}

/** The prefix of a run's folder of `kind` ("run", "artifacts", "pg"): the run's pid is in it, for sweepStaleRuns. */
export const runFolderPrefix = (kind: string, pid = process.pid): string => `wxpay-test-${kind}-${pid}-`;

const STALE = /^wxpay-test-(?:run|artifacts|pg)-(\d+)-/;

/** A server that cannot be stopped (gone already, or no PostgreSQL tools here any more) must not stop this run. */
function stopQuietly(stopServer: (pgDir: string) => void, dir: string): void {
  try {
    stopServer(dir);
  } catch {
    // its folder is removed below all the same
  }
}

/** Removes the folders in `base` of earlier runs whose process is gone (an interrupted run skips its teardown),
 *  calling `stopServer` on each PostgreSQL folder in a run's pg folder first. Returns the folders removed. */
export function sweepStaleRuns(base: string, stopServer: (pgDir: string) => void): string[] {
  const stale = readdirSync(base).filter((name) => {
    const m = STALE.exec(name);
    return m !== null && Number(m[1]) !== process.pid && !processAlive(Number(m[1]));
  });
  for (const name of stale) {
    const folder = path.join(base, name);
    if (name.startsWith('wxpay-test-pg-'))
      for (const server of readdirSync(folder))
        if (existsSync(path.join(folder, server, 'data'))) stopQuietly(stopServer, path.join(folder, server));
    rmSync(folder, { recursive: true, force: true });
  }
  return stale.map((name) => path.join(base, name));
}
