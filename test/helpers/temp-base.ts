// Where a test run keeps its temp folders (test/helpers/global-setup.ts). On Linux that is /dev/shm when it is a tmpfs
// with room to spare: the run writes and removes a node_modules tree (the fresh-clone test), a PostgreSQL cluster with
// a database per test, journals fsynced per callback and many small files. On a disk those cost system time in the
// file system's journal, in each fsync's device flush and, where the disk is mounted with `discard` (this project's
// VMs), in a TRIM per freed extent: the same run took ~12 CPU-s and ~7 s less on /dev/shm (BENCHMARKS.md, "Test
// suite", session 11). Nothing a test checks depends on surviving a power cut: the durability tests count fsyncs and
// kill processes, which a tmpfs serves as a disk does.
//
// WXPAY_TEST_TMPDIR names the folder outright. An explicit TMPDIR is the user's choice and is kept. Otherwise /dev/shm,
// if it is a writable tmpfs with MIN_FREE_BYTES free, else os.tmpdir().
import { accessSync, constants, statfsSync } from 'node:fs';
import os from 'node:os';

/** statfs(2)'s f_type of a tmpfs (linux/magic.h). */
const TMPFS_MAGIC = 0x01021994;
/** A run's peak under its temp root is ~0.7 GB (a node_modules tree, the PostgreSQL cluster, installed packages). */
const MIN_FREE_BYTES = 2 * 1024 ** 3;
const SHM = '/dev/shm';

export interface TempBase {
  /** The folder the run's temp folders go in. */
  dir: string;
  /** Whether it is memory (tmpfs) rather than a disk. */
  memory: boolean;
}

/** /dev/shm when it is a writable tmpfs with room, else undefined. */
export function memoryTempDir(shm = SHM, minFree = MIN_FREE_BYTES): string | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const fs = statfsSync(shm);
    if (fs.type !== TMPFS_MAGIC || fs.bavail * fs.bsize < minFree) return undefined;
    accessSync(shm, constants.W_OK | constants.X_OK);
    return shm;
  } catch {
    return undefined; // no /dev/shm here
  }
}

/** The folder for this run's temp folders: see the comment at the top of this file. */
export function chooseTempBase(env: NodeJS.ProcessEnv = process.env): TempBase {
  if (env.WXPAY_TEST_TMPDIR) return { dir: env.WXPAY_TEST_TMPDIR, memory: false };
  if (env.TMPDIR) return { dir: os.tmpdir(), memory: false };
  const shm = memoryTempDir();
  return shm ? { dir: shm, memory: true } : { dir: os.tmpdir(), memory: false };
}
