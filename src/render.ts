// Human output and --json. Colour: see colorLevel (--json, --no-color, FORCE_COLOR, NO_COLOR, the TTY).
// With --json stdout carries exactly one JSON document; long-running commands write NDJSON instead.
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
export function colorLevel(rt: Runtime, opts: { json?: boolean; color?: boolean }, stream: { isTTY?: boolean } = rt.stdout): 0 | 1 | 2 | 3 {
  if (opts.json || opts.color === false) return 0;
  const force = rt.env.FORCE_COLOR;
  if (force !== undefined) return force === '0' || force === 'false' ? 0 : force === '2' ? 2 : force === '3' ? 3 : 1;
  if (rt.env.NO_COLOR || !stream.isTTY) return 0;
  return supportsColor ? supportsColor.level : 1;
}

export function makeOutput(rt: Runtime, opts: { json?: boolean; color?: boolean; colorStream?: 'stdout' | 'stderr' }): Output {
  const color = new Chalk({ level: colorLevel(rt, opts, opts.colorStream === 'stderr' ? rt.stderr : rt.stdout) });
  const line = (text = '') => void rt.stdout.write(`${text}\n`);
  return {
    json: Boolean(opts.json),
    color,
    line,
    note: (text) => void rt.stderr.write(`${text}\n`),
    warn: (text) => void rt.stderr.write(`${color.yellow('warning')}: ${text}\n`),
    data: (value) => line(JSON.stringify(value, null, 2)),
    event: (value) => line(JSON.stringify(value)),
    table(rows) {
      const width = Math.max(0, ...rows.map(([k]) => k.length));
      for (const [k, v] of rows) line(`${color.dim(k.padEnd(width))}  ${v}`);
    },
  };
}

/** Makes CR, LF and tabs visible so a signed message can be compared by eye. */
export function showLineEnds(message: string): string {
  return message.replace(/\r/g, '␍').replace(/\t/g, '→').replace(/\n/g, '↵\n');
}
