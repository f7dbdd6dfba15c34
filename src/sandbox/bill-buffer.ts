// The buffer a sandbox bill is written into (issue 19): rows go in as bytes (pre-encoded text, digits written as
// ASCII, dates from a per-second cache) rather than as joined JS strings that are then UTF-8 encoded, and the filled
// buffer leaves as one chunk of about 256 KB. Each chunk is a fresh buffer: a chunk handed on may still be waiting
// for gzip on the libuv pool while the next one is written.
import { chinaDateTime } from '../protocol/china-time.js';

const ZERO = 0x30;

export class BillBuffer {
  buf: Buffer;
  pos = 0;
  /** The last time written and its 19 bytes: a seeded bill has about a dozen rows in each second. */
  private lastTime = Number.NaN;
  private readonly timeBytes = Buffer.alloc(19);

  constructor(private readonly chunk: number) {
    this.buf = Buffer.allocUnsafeSlow(chunk);
  }

  /** Makes room for `n` more bytes. When the buffer cannot take them, the filled part is returned (a chunk to hand
   *  on, unless empty) and writing goes on in a new buffer. */
  reserve(n: number): Buffer | undefined {
    return this.pos + n <= this.buf.length ? undefined : this.take(n);
  }

  /** What is written so far (undefined when nothing), and a new buffer of at least `n` bytes for what follows. */
  take(n = 0): Buffer | undefined {
    const full = this.pos > 0 ? this.buf.subarray(0, this.pos) : undefined;
    this.buf = Buffer.allocUnsafeSlow(Math.max(this.chunk, n));
    this.pos = 0;
    return full;
  }

  /** Any text as UTF-8 (real events' rows: few, so built as strings). */
  text(s: string): Buffer | undefined {
    const full = this.reserve(s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
    return full;
  }

  /** `YYYY-MM-DD HH:mm:ss`, China time, at `p`; returns the position after it. */
  dateTime(p: number, ms: number): number {
    if (ms !== this.lastTime) {
      this.lastTime = ms;
      this.timeBytes.write(chinaDateTime(ms), 0, 'latin1');
    }
    const b = this.buf;
    const t = this.timeBytes;
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
  let len = 1;
  for (let x = n; x >= 10; x = Math.floor(x / 10)) len++;
  if (len < width) len = width;
  let x = n;
  for (let k = len - 1; k >= 0; k--) {
    b[p + k] = ZERO + (x % 10);
    x = Math.floor(x / 10);
  }
  return p + len;
}

/** units / 10^digits as `12.34` or `-0.05`: bill-cells.ts's decimal, for safe integers (every seeded amount). */
export function putDecimal(b: Buffer, p: number, units: number, digits: number): number {
  let q = p;
  if (units < 0) b[q++] = 0x2d;
  const abs = Math.abs(units);
  const scale = 10 ** digits;
  q = putPadded(b, q, Math.floor(abs / scale), 1);
  b[q++] = 0x2e;
  return putPadded(b, q, abs % scale, digits);
}
