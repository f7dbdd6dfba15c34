// The buffer a sandbox bill is written into (issue 19): rows go in as bytes (pre-encoded text, digits written as
// ASCII, dates from a per-minute cache) rather than as joined JS strings that are then UTF-8 encoded, and the filled
// buffer leaves as one chunk of about 256 KB. A chunk handed on may still be waiting for gzip on the libuv pool (or
// a socket) while the next one is written, so a buffer is reused only when its reader gives it back (ChunkPool).
import { chinaDateTime } from '../protocol/china-time.js';

const ZERO = 0x30;
const POW10 = [1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/**
 * Chunk buffers handed back once their reader is done with them (a hash update, zlib's write callback): a fresh
 * 256 KB buffer costs a page fault every 4 KB written, about a fifth of the generator's CPU.
 */
export class ChunkPool {
  private readonly free: Buffer[] = [];
  constructor(readonly size: number) {}
  take(n: number): Buffer {
    return (n <= this.size ? this.free.pop() : undefined) ?? Buffer.allocUnsafeSlow(Math.max(this.size, n));
  }
  /** `chunk` (or a view of it from offset 0) will not be read again. */
  give(chunk: Buffer): void {
    if (chunk.buffer.byteLength === this.size && chunk.byteOffset === 0 && this.free.length < 8)
      this.free.push(Buffer.from(chunk.buffer, 0, this.size));
  }
}

export class BillBuffer {
  buf: Buffer;
  pos = 0;
  /** The minute last written and its 19 bytes: China time differs from UTC by whole hours, so within a minute
   *  only the seconds' two digits change, and a seeded bill has hundreds of rows in each minute. */
  private minute = Number.NaN;
  private readonly timeBytes = Buffer.alloc(19);

  /** Without a pool, each chunk is a new buffer: a chunk handed on may be read at any later time. */
  constructor(private readonly pool: ChunkPool | number) {
    this.buf = this.alloc(0);
  }

  private alloc(n: number): Buffer {
    return typeof this.pool === 'number' ? Buffer.allocUnsafeSlow(Math.max(this.pool, n)) : this.pool.take(n);
  }

  /** Makes room for `n` more bytes. When the buffer cannot take them, the filled part is returned (a chunk to hand
   *  on, unless empty) and writing goes on in a new buffer. */
  reserve(n: number): Buffer | undefined {
    return this.pos + n <= this.buf.length ? undefined : this.take(n);
  }

  /** What is written so far (undefined when nothing), and a new buffer of at least `n` bytes for what follows. */
  take(n = 0): Buffer | undefined {
    const full = this.pos > 0 ? this.buf.subarray(0, this.pos) : undefined;
    this.buf = this.alloc(n);
    this.pos = 0;
    return full;
  }

  /** Any text as UTF-8 (real events' rows: few, so built as strings). */
  text(s: string): Buffer | undefined {
    const full = this.reserve(s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
    return full;
  }

  /** `YYYY-MM-DD HH:mm:ss`, China time (chinaDateTime), at `p`; returns the position after it. */
  dateTime(p: number, ms: number): number {
    const t = this.timeBytes;
    const second = Math.floor(ms / 1000);
    const minute = Math.floor(second / 60);
    if (minute !== this.minute) {
      this.minute = minute;
      t.write(chinaDateTime(ms), 0, 'latin1');
    }
    const s = second - minute * 60;
    t[17] = ZERO + Math.floor(s / 10);
    t[18] = ZERO + (s % 10);
    const b = this.buf;
    for (let k = 0; k < 19; k++) b[p + k] = t[k]!;
    return p + 19;
  }
}

/** Copies `src` to `b` at `p`; returns the position after it. Rows are made of short pieces: a byte loop beats a
 *  call into the runtime for those. */
export function putBytes(b: Buffer, p: number, src: Uint8Array): number {
  const n = src.length;
  if (n > 32) {
    b.set(src, p);
    return p + n;
  }
  for (let k = 0; k < n; k++) b[p + k] = src[k]!;
  return p + n;
}

/** A whole number ≥ 0 in at least `width` digits, zero-padded (as String(n).padStart(width, '0')). */
export function putPadded(b: Buffer, p: number, n: number, width: number): number {
  // Int32 math for what a bill holds (indexes, fen); doubles only past 2^31.
  if (n <= 0x7fffffff) {
    let len = width;
    while (len < 10 && n >= POW10[len]!) len++;
    let x = n | 0;
    for (let k = p + len - 1; k >= p; k--) {
      const q = (x / 10) | 0;
      b[k] = ZERO + x - q * 10;
      x = q;
    }
    return p + len;
  }
  const text = String(n).padStart(width, '0');
  return p + b.write(text, p, 'latin1');
}

/** units / 10^digits as `12.34` or `-0.05`: bill-cells.ts's decimal, for safe integers (every seeded amount). */
export function putDecimal(b: Buffer, p: number, units: number, digits: number): number {
  let q = p;
  if (units < 0) b[q++] = 0x2d;
  const abs = Math.abs(units);
  const scale = 10 ** digits;
  const whole = abs <= 0x7fffffff ? (abs / scale) | 0 : Math.floor(abs / scale);
  q = putPadded(b, q, whole, 1);
  b[q++] = 0x2e;
  return putPadded(b, q, abs - whole * scale, digits);
}
