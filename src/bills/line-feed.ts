// Splits the gunzipped bill into lines without decoding it: each complete line is handed on as a byte range of the
// chunk it is in (one that spans chunks is joined first), with whether its bytes are valid UTF-8, which is checked
// once per chunk. Lines stay bytes so the fast path (row-bytes.ts) never makes a string.
import { isUtf8 } from 'node:buffer';

/** Called for bytes [s, e) of buf: one line without its "\n" (a "\r" before it is kept). */
export type LineSink = (buf: Buffer, s: number, e: number, utf8: boolean) => void;

export class LineFeed {
  private carry: Buffer[] = [];

  constructor(private readonly sink: LineSink) {}

  push(chunk: Buffer): void {
    let pos = 0;
    if (this.carry.length) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        this.carry.push(Buffer.from(chunk));
        return;
      }
      this.whole(Buffer.concat([...this.carry, chunk.subarray(0, nl)]));
      this.carry = [];
      pos = nl + 1;
    }
    const last = chunk.lastIndexOf(10);
    if (last >= pos) {
      // The range ends at a line end, so no character is cut: one check covers all its lines.
      const utf8 = isUtf8(chunk.subarray(pos, last));
      for (let s = pos; s <= last;) {
        const nl = chunk.indexOf(10, s);
        this.sink(chunk, s, nl, utf8);
        s = nl + 1;
      }
      pos = last + 1;
    }
    // A copy: the rest of the chunk is kept while later chunks arrive.
    if (pos < chunk.length) this.carry.push(Buffer.from(chunk.subarray(pos)));
  }

  /** The last line, if the input does not end with "\n". */
  end(): void {
    if (this.carry.length) this.whole(Buffer.concat(this.carry));
    this.carry = [];
  }

  private whole(line: Buffer): void {
    this.sink(line, 0, line.length, isUtf8(line));
  }
}
