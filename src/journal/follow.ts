// Follows a journal as it grows, as `tail -F` does: the rotated files first (oldest first), then the live file,
// then whatever is appended, across rotation (`<file>` renamed to `<file>.1` and a new `<file>` started) and across
// the torn-line cut a restarted writer makes. Polls the size: fs.watch misses events on some file systems.
import { open, stat, type FileHandle } from 'node:fs/promises';
import { rotatedFiles, scanFile } from './lines.js';

export interface FollowOptions {
  /** Stops following; the promise then resolves. */
  signal: AbortSignal;
  intervalMs?: number;
  /** Injected for tests; resolves early when the signal aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const CHUNK = 1 << 20;

const abortableSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

const inodeOf = async (file: string): Promise<number | undefined> => {
  try {
    return (await stat(file)).ino;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
};

async function openWhenPresent(file: string, o: Required<FollowOptions>): Promise<FileHandle | undefined> {
  while (!o.signal.aborted) {
    try {
      return await open(file, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    await o.sleep(o.intervalMs, o.signal);
  }
  return undefined;
}

/** One open file read from `pos` on: whole lines go to `visit`, an unfinished last line waits in `carry`. */
class Tail {
  private pos = 0;
  private carry = Buffer.alloc(0);
  constructor(
    readonly fh: FileHandle,
    private readonly visit: (line: Buffer) => void,
  ) {}

  async drain(): Promise<void> {
    const size = (await this.fh.stat()).size;
    // A restarted writer cuts a torn last line before appending again: forget the part of it we hold.
    if (size < this.pos) [this.pos, this.carry] = [Math.min(size, this.pos - this.carry.length), Buffer.alloc(0)];
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await this.fh.read(chunk, 0, CHUNK, this.pos);
      if (bytesRead === 0) return;
      this.pos += bytesRead;
      const data = Buffer.concat([this.carry, chunk.subarray(0, bytesRead)]);
      let start = 0;
      for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, start)) {
        if (nl > start) this.visit(Buffer.from(data.subarray(start, nl)));
        start = nl + 1;
      }
      this.carry = Buffer.from(data.subarray(start));
    }
  }
}

export async function followJournal(file: string, visit: (line: Buffer) => void, opts: FollowOptions): Promise<void> {
  const o: Required<FollowOptions> = { intervalMs: 250, sleep: abortableSleep, ...opts };
  const first = await openWhenPresent(file, o);
  if (!first) return;
  // The live file we hold may have been rotated to <file>.1 since we opened it: read it through our handle only.
  const held = (await first.stat()).ino;
  for (const f of await rotatedFiles(file))
    if ((await inodeOf(f)) !== held) await scanFile(f, (l) => visit(Buffer.from(l.bytes)));
  let tail = new Tail(first, visit);
  try {
    while (!o.signal.aborted) {
      await tail.drain();
      const now = await inodeOf(file);
      if (now !== undefined && now !== (await tail.fh.stat()).ino) {
        await tail.drain(); // the last lines written before the rename
        await tail.fh.close();
        const next = await openWhenPresent(file, o);
        if (!next) return;
        tail = new Tail(next, visit);
        continue;
      }
      await o.sleep(o.intervalMs, o.signal);
    }
  } finally {
    await tail.fh.close().catch(() => undefined);
  }
}
