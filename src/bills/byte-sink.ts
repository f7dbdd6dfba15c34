// The output side of the bill converter (convert.ts): rows are written as bytes into one growing buffer per input
// chunk, which is then written to the file whole, so a row costs a few memory copies and no string or Buffer.
// Once written, a buffer comes back (recycle) and is filled again: hundreds of MB of output then allocate a few
// buffers, not one per chunk, which the garbage collector would only free in bulk (a high peak RSS).

export class ByteSink {
  private buf: Buffer;
  private len = 0;
  private free: Buffer[] = [];
  constructor(private readonly initial = 256 * 1024) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  /** Room for n more bytes. */
  reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  /** src whole; the caller has reserved room (as for range). */
  bytes(src: Uint8Array): void {
    const buf = this.buf;
    let o = this.len;
    for (let i = 0; i < src.length; i++) buf[o++] = src[i]!;
    this.len = o;
  }

  /** Bytes [s, e) of src; the caller has reserved room. Copied in a loop, as in bytes(): a row's pieces are a
   *  few bytes each, too short for Buffer#copy or TypedArray#set to pay for their call. */
  range(src: Buffer, s: number, e: number): void {
    const buf = this.buf;
    let o = this.len;
    for (let i = s; i < e; i++) buf[o++] = src[i]!;
    this.len = o;
  }

  text(str: string): void {
    if (!str) return;
    this.reserve(str.length * 3);
    this.len += this.buf.write(str, this.len);
  }

  /** What was written since the last take (undefined if nothing); the next writes go to a new buffer. */
  take(): Buffer | undefined {
    if (this.len === 0) return undefined;
    const out = this.buf.subarray(0, this.len);
    this.buf = this.free.pop() ?? Buffer.allocUnsafe(Math.max(this.initial, this.len));
    this.len = 0;
    return out;
  }

  /** A buffer that take() returned and that is no longer in use: its memory is reused. */
  recycle(taken: Buffer): void {
    // Every buffer here is allocUnsafe of ≥ 4 KB, so it owns its whole ArrayBuffer (none comes from the shared pool).
    if (this.free.length < 4) this.free.push(Buffer.from(taken.buffer, 0, taken.buffer.byteLength));
  }
}
