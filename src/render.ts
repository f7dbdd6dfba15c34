// Human output and --json. Colour: see colorLevel (--json, --no-color, FORCE_COLOR, NO_COLOR, the TTY).
// With --json stdout carries exactly one JSON document; long-running commands write NDJSON instead.
// Human output is terminal-safe (issue 12): it prints what servers, files and journals say, and an error body is
// unsigned, so every line/note/warn/table passes through terminalSafe here, the one place, rather than per command.
import { Chalk, supportsColor, type ChalkInstance } from 'chalk';
import type { Runtime } from './runtime.js';

export interface Output {
  readonly json: boolean;
  readonly color: ChalkInstance;
  /** A line to stdout. */
  line(text?: string): void;
  /** A line to stderr (progress, warnings, notes). */
  note(text: string): void;
  warn(text: string): void;
  /** The one JSON document of a --json run. */
  data(value: unknown): void;
  /** One NDJSON event. */
  event(value: unknown): void;
  table(rows: Array<[string, string]>): void;
}

/**
 * Off for --json and --no-color. Otherwise FORCE_COLOR decides when set, as Node reads it (0/false: off, 2 and 3:
 * 256 and 16M colours, anything else: 16), even without a TTY and over NO_COLOR; then NO_COLOR; then the TTY.
 */
export function colorLevel(
  rt: Runtime,
  opts: { json?: boolean | undefined; color?: boolean | undefined },
  stream: { isTTY?: boolean } = rt.stdout,
): 0 | 1 | 2 | 3 {
  if (opts.json || opts.color === false) return 0;
  const force = rt.env.FORCE_COLOR;
  if (force !== undefined) return force === '0' || force === 'false' ? 0 : force === '2' ? 2 : force === '3' ? 3 : 1;
  if (rt.env.NO_COLOR || !stream.isTTY) return 0;
  return supportsColor ? supportsColor.level : 1;
}

export function makeOutput(
  rt: Runtime,
  opts: { json?: boolean | undefined; color?: boolean | undefined; colorStream?: 'stdout' | 'stderr' },
): Output {
  const level = colorLevel(rt, opts, opts.colorStream === 'stderr' ? rt.stderr : rt.stdout);
  const color = new Chalk({ level });
  const safe = (text: string) => terminalSafe(text, { keepColor: level > 0 });
  const line = (text = '') => void rt.stdout.write(`${safe(text)}\n`);
  const exact = (text: string) => void rt.stdout.write(`${text}\n`);
  return {
    json: Boolean(opts.json),
    color,
    line,
    note: (text) => void rt.stderr.write(`${safe(text)}\n`),
    warn: (text) => void rt.stderr.write(`${color.yellow('warning')}: ${safe(text)}\n`),
    // JSON.stringify already escapes every C0 control character; JSON output stays byte-exact.
    data: (value) => exact(JSON.stringify(value, null, 2)),
    event: (value) => exact(JSON.stringify(value)),
    table(rows) {
      const width = Math.max(0, ...rows.map(([k]) => k.length));
      for (const [k, v] of rows) line(`${color.dim(k.padEnd(width))}  ${v}`);
    },
  };
}

// An SGR (colour/style) sequence, or one character a terminal would act on: C0 controls but TAB and LF, DEL, C1
// controls (0x9b is a one-byte CSI on some terminals), and the bidi overrides and isolates that reorder a line.
// eslint-disable-next-line no-control-regex -- the control characters are what this strips
const UNSAFE = /\x1b\[([0-9;]*)m|[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

const shown = (ch: string) => {
  if (ch === '\r') return '\\r';
  if (ch === '\n') return '\\n';
  const code = ch.codePointAt(0)!;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/**
 * Text as the terminal should show it, not obey it: ESC is printed as \x1b, CR as \r, and so on, so no string from a
 * server, a file or a journal can clear the screen, set the window title, move the cursor or overwrite a line.
 * TAB and LF stay (layout) unless `singleLine` (a field such as an error message must not start a line of its own).
 * With `keepColor`, SGR colour codes stay: they only style text and wxpay's own colours are made of them; concealed
 * text (SGR 8) is shown all the same.
 */
export function terminalSafe(text: string, opts: { keepColor?: boolean; singleLine?: boolean } = {}): string {
  return text.replace(UNSAFE, (m: string, sgr: string | undefined) => {
    if (sgr !== undefined) return opts.keepColor && !sgr.split(';').includes('8') ? m : `\\x1b${m.slice(1)}`;
    return m === '\n' && !opts.singleLine ? m : shown(m);
  });
}

/** Makes CR, LF and tabs visible so a signed message can be compared by eye. */
export function showLineEnds(message: string): string {
  return message.replace(/\r/g, '␍').replace(/\t/g, '→').replace(/\n/g, '↵\n');
}
