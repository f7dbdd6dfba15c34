// Human output and --json. Colour is off for --json, --no-color, NO_COLOR and when stdout is not a TTY.
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

export function makeOutput(rt: Runtime, opts: { json?: boolean; color?: boolean }): Output {
  const enabled = !opts.json && opts.color !== false && !rt.env.NO_COLOR && Boolean(rt.stdout.isTTY);
  const level = enabled ? (supportsColor ? supportsColor.level : 1) : 0;
  const color = new Chalk({ level });
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
