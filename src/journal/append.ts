// The one append-only NDJSON journal (batch rows, webhook callbacks, any later store). On open it cuts a line torn
// by a crash (and says so), so the next record starts on a line of its own; a new file is created 0600, never
// through a symlink, and its folder is fsynced so the file itself survives a crash. Appends that arrive together
// share one write + one fsync (group commit); a short write is continued, a failed one is cut back off the file.
// Past `rotateBytes` the live file becomes `<file>.1` (older ones shift to .2, .3 …) and a new one is started.
import { writeSync } from 'node:fs';
import { rename, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { openAppendSafe, syncDir } from '../files/safe-write.js';
import { rotatedFiles } from './lines.js';

export const DEFAULT_ROTATE_BYTES = 256 * 1024 * 1024;

export interface AppendOptions {
  /** fsync after each group of appends (default true); false for records whose loss costs only a repeat. */
  durable?: boolean;
  /** Rotate the live file once it would grow past this (default 256 MiB). */
  rotateBytes?: number;
  /** Cut the live file to this many bytes (a caller that has read it already knows where its whole lines end);
   *  by default the bytes after the last newline are cut. */
  truncateTo?: number;
}

export interface AppendJournal {
  readonly file: string;
  /** Bytes cut off the live file on open (a torn last line), 0 if none. */
  readonly cutBytes: number;
  /** Resolves once the record is written (and fsynced when durable). */
  append(record: unknown): Promise<void>;
  close(): Promise<void>;
}

/** The length of `fh`'s whole lines: the bytes up to and including its last newline. */
async function wholeLinesLength(fh: FileHandle, size: number): Promise<number> {
  const block = Buffer.allocUnsafe(64 * 1024);
  for (let end = size; end > 0;) {
    const start = Math.max(0, end - block.length);
    const { bytesRead } = await fh.read(block, 0, end - start, start);
    const nl = block.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (nl >= 0) return start + nl + 1;
    end = start;
  }
  return 0;
}

/** Opens (creating 0600) the live file; returns the handle, its size after any cut, and the bytes cut. */
async function openLive(file: string, truncateTo?: number): Promise<{ fh: FileHandle; size: number; cut: number }> {
  const existed = await stat(file).then(
    () => true,
    () => false,
  );
  // 0600, never through a symlink, a regular file only.
  const fh = await openAppendSafe(file, { read: true });
  try {
    const st = await fh.stat();
    const keep = truncateTo !== undefined ? Math.min(truncateTo, st.size) : await wholeLinesLength(fh, st.size);
    if (keep < st.size) await fh.truncate(keep);
    await fh.sync();
    if (!existed) await syncDir(path.dirname(file));
    return { fh, size: keep, cut: st.size - keep };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

/** Writes all of `buf` to `fd` synchronously, continuing after a short write. A batch is a few KB into the page
 *  cache (microseconds); doing it through the thread pool, as before, cost a thread hand-off per batch that took
 *  more CPU than the write itself. Only the fsync, which waits for the disk, still goes to the thread pool. */
export function writeAllSync(fd: number, buf: Buffer, write: typeof writeSync = writeSync): void {
  for (let off = 0; off < buf.length;) {
    const bytesWritten = write(fd, buf, off, buf.length - off);
    if (bytesWritten <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
    off += bytesWritten;
  }
}

/** Shifts `<file>.k` to `<file>.k+1` (highest first), then the live file to `<file>.1`. */
async function shiftRotated(file: string): Promise<void> {
  for (const older of await rotatedFiles(file)) {
    const n = Number(older.slice(file.length + 1));
    await rename(older, `${file}.${n + 1}`);
  }
  await rename(file, `${file}.1`);
}

interface Pending {
  line: string;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** Writes whole batches to the live file, rotating it when full; one place owns the handle, its size and whether a
 *  failed write could not be cut back (then every later write fails: the file's end is no longer known). */
interface LiveWriter {
  writeBatch(buf: Buffer): Promise<void>;
  close(): Promise<void>;
}

function createLiveWriter(
  file: string,
  live: { fh: FileHandle; size: number },
  durable: boolean,
  rotateBytes: number,
): LiveWriter {
  let { fh, size } = live;
  let broken: Error | undefined;

  async function rotate(): Promise<void> {
    await fh.sync();
    await fh.close();
    try {
      await shiftRotated(file);
    } catch {
      // Rotation is housekeeping: if a rename fails, keep appending to the live file and try again next time.
    }
    ({ fh, size } = await openLive(file));
  }

  return {
    async writeBatch(buf) {
      if (broken) throw broken;
      if (size > 0 && size + buf.length > rotateBytes) await rotate();
      try {
        writeAllSync(fh.fd, buf);
        if (durable) await fh.sync();
        size += buf.length;
      } catch (e) {
        // Part of the batch may be on disk: cut it back off, or the next record would merge into a torn line.
        await fh.truncate(size).catch((t: unknown) => {
          broken = t as Error;
        });
        throw e;
      }
    },
    close: () => fh.close(),
  };
}

/** A reused batch buffer up to this size (a batch at 32 callbacks in flight is ~50 KB). */
const KEEP_BYTES = 1024 * 1024;

/** Encodes a batch's lines as UTF-8 straight into one buffer that is kept and reused: no joined string of the
 *  batch, and no new buffer per batch (a batch over 4 KB was its own allocation outside the pool). Safe to reuse
 *  because the write is synchronous (writeAllSync) and one flush at a time encodes. */
export function batchEncoder(): { encode(batch: readonly { line: string }[]): Buffer } {
  let buf = Buffer.allocUnsafe(64 * 1024);
  return {
    encode(batch) {
      let size = 0;
      for (const p of batch) size += Buffer.byteLength(p.line, 'utf8');
      // A rare huge batch gets a buffer of its own, so one burst does not pin megabytes for the journal's life.
      const out =
        size <= buf.length ? buf : size > KEEP_BYTES ? Buffer.allocUnsafe(size) : (buf = Buffer.allocUnsafe(size));
      let off = 0;
      for (const p of batch) off += out.write(p.line, off, 'utf8');
      return out.subarray(0, off);
    },
  };
}

export async function openAppendJournal(file: string, opts: AppendOptions = {}): Promise<AppendJournal> {
  const live = await openLive(file, opts.truncateTo);
  const writer = createLiveWriter(file, live, opts.durable ?? true, opts.rotateBytes ?? DEFAULT_ROTATE_BYTES);
  let queue: Pending[] = [];
  let flushing: Promise<void> | undefined;
  const encoder = batchEncoder();

  // Group commit: records appended while a write is in flight wait in `queue` and go out together in the next one.
  async function flush(): Promise<void> {
    while (queue.length) {
      const batch = queue;
      queue = [];
      try {
        await writer.writeBatch(encoder.encode(batch));
        for (const p of batch) p.resolve();
      } catch (e) {
        for (const p of batch) p.reject(e);
      }
    }
    flushing = undefined;
  }

  return {
    file,
    cutBytes: live.cut,
    append(record) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ line: `${JSON.stringify(record)}\n`, resolve, reject });
        flushing ??= flush();
      });
    },
    async close() {
      await flushing;
      await writer.close();
    },
  };
}
