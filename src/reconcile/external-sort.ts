// An external sort for reconcile: lines go into runs of RUN_LINES, each run is sorted in memory and written to a
// file in a private folder, and the runs are merged back in order. Memory is bounded by one run plus one read
// buffer per run, whatever the input size: 1M bill rows and 1M merchant rows never sit in memory together.
// Lines are compared as strings (UTF-16 code units), the same order in runs and merge; a line holds no newline.
import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';

export const RUN_LINES = 100_000;
const READ_CHUNK = 64 * 1024;

/** Reads one sorted run file back line by line, synchronously, one chunk at a time. */
class RunReader {
  private fd: number;
  private lines: string[] = [];
  private at = 0;
  private rest = '';
  private decoder = new StringDecoder('utf8');
  private buf = Buffer.allocUnsafe(READ_CHUNK);
  head: string | undefined;

  constructor(file: string) {
    this.fd = openSync(file, 'r');
    this.advance();
  }

  advance(): void {
    while (this.at >= this.lines.length) {
      const n = this.fd < 0 ? 0 : readSync(this.fd, this.buf, 0, READ_CHUNK, null);
      if (n === 0) {
        this.close();
        this.head = undefined;
        return;
      }
      const parts = (this.rest + this.decoder.write(this.buf.subarray(0, n))).split('\n');
      this.rest = parts.pop() ?? '';
      this.lines = parts;
      this.at = 0;
    }
    this.head = this.lines[this.at++];
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

export class ExternalSorter {
  private buffer: string[] = [];
  private runs: string[] = [];
  count = 0;

  constructor(
    private readonly dir: string,
    private readonly runLines = RUN_LINES,
  ) {}

  add(line: string): void {
    this.buffer.push(line);
    this.count++;
    if (this.buffer.length >= this.runLines) this.spill();
  }

  private spill(): void {
    this.buffer.sort();
    const file = path.join(this.dir, `run-${this.runs.length}`);
    writeFileSync(file, `${this.buffer.join('\n')}\n`, { mode: 0o600 });
    this.runs.push(file);
    this.buffer = [];
  }

  /** Every line added, in order. A single small run never touches the disk. */
  *sorted(): Generator<string> {
    if (!this.runs.length) {
      yield* this.buffer.sort();
      return;
    }
    if (this.buffer.length) this.spill();
    const readers = this.runs.map((f) => new RunReader(f));
    try {
      // A linear scan for the smallest head: runs are few (tens for millions of lines), so a heap buys little.
      for (;;) {
        let min: RunReader | undefined;
        for (const r of readers) if (r.head !== undefined && (min?.head === undefined || r.head < min.head)) min = r;
        if (min?.head === undefined) return;
        yield min.head;
        min.advance();
      }
    } finally {
      for (const r of readers) r.close();
    }
  }
}
