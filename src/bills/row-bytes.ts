// The byte-level fast path for a bill's detail rows (docs/protocol.md §5 "Bill file layout"). A million-row bill
// is mostly lines like `a,`b,"`c,d",`e: this finds their fields' byte ranges in the gunzipped buffer itself, so no
// string, array or record is made per row. Only lines whose meaning is plain take it: every field starts with a
// backtick (or is quoted as "`…"), and no value holds a quote, a backslash or a control character, so each value
// is exactly its bytes in JSON and in the parsed record. Anything else returns false and goes through BillParser
// (parse.ts), which stays the definition of the format; a test checks that both give the same output.

/** Field ranges of one line: value i is bytes [start[i], end[i]) of the buffer scanned. */
export class RowSpan {
  count = 0;
  readonly start: Int32Array;
  readonly end: Int32Array;
  constructor(readonly max = 256) {
    this.start = new Int32Array(max);
    this.end = new Int32Array(max);
  }
}

const TICK = 0x60;
const QUOTE = 0x22;
const COMMA = 0x2c;
const BACKSLASH = 0x5c;

/** Does a field start at i: a backtick, or a quote then a backtick? */
const fieldStarts = (b: Uint8Array, i: number, to: number): boolean =>
  i < to && (b[i] === TICK || (b[i] === QUOTE && i + 1 < to && b[i + 1] === TICK));

/**
 * Splits bytes [from, to) (one line, without its line end) into `span`. False when the line needs the full parser:
 * not a backticked row, a quote inside a value, a quoted field not closed on this line or followed by more text,
 * a backslash (a fund bill's escaped line break), a control character, or more than span.max fields.
 */
export function scanRow(b: Uint8Array, from: number, to: number, span: RowSpan): boolean {
  let i = from;
  let n = 0;
  if (!fieldStarts(b, i, to)) return false;
  for (;;) {
    if (n === span.max) return false;
    const quoted = b[i] === QUOTE;
    const s = quoted ? i + 2 : i + 1;
    const e = quoted ? quotedEnd(b, s, to) : plainEnd(b, s, to);
    if (e < 0) return false;
    span.start[n] = s;
    span.end[n] = e;
    n++;
    i = quoted ? e + 1 : e;
    if (i === to) break;
    // After a field: the comma that starts the next one (a plain field ended only there; a quoted one must).
    if (b[i] !== COMMA || !fieldStarts(b, i + 1, to)) return false;
    i++;
  }
  span.count = n;
  return true;
}

/** End of a quoted value: its closing quote, or -1 (not closed here, an escaped quote, or a byte JSON escapes). */
function quotedEnd(b: Uint8Array, s: number, to: number): number {
  for (let j = s; j < to; j++) {
    const c = b[j]!;
    if (c === QUOTE) return j;
    if (c < 0x20 || c === BACKSLASH) return -1;
  }
  return -1;
}

/** End of a plain value: the comma before the next field, or the line's end; -1 for a byte JSON escapes. */
function plainEnd(b: Uint8Array, s: number, to: number): number {
  for (let j = s; j < to; j++) {
    const c = b[j]!;
    if (c === COMMA) {
      if (fieldStarts(b, j + 1, to)) return j;
    } else if (c === QUOTE || c === BACKSLASH || c < 0x20) return -1;
  }
  return to;
}
