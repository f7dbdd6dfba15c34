// A spawned `webhook serve` on port 0 with a journal: waits until it listens, collects its live NDJSON events
// (with --json), keeps its whole output, and records that output for the secrets scan when it exits (unless the
// test printed a secret on purpose). Used by the complaint, combine, transfer, replay-forward and durability tests.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { inject } from 'vitest';
import { cleanEnv } from '../helpers/cli.js';
import { binPath } from '../helpers/paths.js';
import { recordOutput } from '../helpers/secrets-scan.js';

export interface LiveEvent {
  type: string;
  event_type?: string;
  complaint_id?: string;
  action_type?: string;
  outcome?: string;
  combine_out_trade_no?: string;
  sub_orders?: string[];
  amount?: number;
  state?: string;
  out_bill_no?: string;
  url?: string;
  recovered?: number;
}

export interface ServeOptions {
  cwd: string;
  journal: string;
  /** --config <rc>; without it the rc is found from cwd. */
  config?: string;
  /** More flags, e.g. ['--forward-to', url]. */
  args?: string[];
  /** --json (the default): stdout is NDJSON events; without it, text. */
  json?: boolean;
  env?: Record<string, string>;
  /** The name its output is recorded under for the secrets scan; omit when the output holds a secret on purpose. */
  record?: string;
}

export interface Listener {
  child: ChildProcess;
  url: string;
  /** The live events after `listening` (with --json). */
  events: LiveEvent[];
  /** The `listening` event (with --json). */
  started: LiveEvent;
  /** stderr and stdout so far. */
  output(): string;
  /** The exit code once it exits (null when killed). */
  exited: Promise<number | null>;
}

export async function startWebhookServe(opts: ServeOptions): Promise<Listener> {
  const json = opts.json ?? true;
  const args = ['webhook', 'serve', '--port', '0', '--journal', opts.journal, ...(opts.args ?? [])];
  if (opts.config !== undefined) args.push('--config', opts.config);
  if (json) args.push('--json');
  const child = spawn(process.execPath, [binPath, ...args], { cwd: opts.cwd, env: cleanEnv(opts.env) });
  let output = '';
  const events: LiveEvent[] = [];
  const lines = createInterface({ input: child.stdout });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      if (opts.record !== undefined) recordOutput(inject('artifactsDir'), opts.record, output);
      resolve(code);
    }),
  );
  const started = await new Promise<LiveEvent>((resolve, reject) => {
    // In text mode the "listening on <url>" note goes to stderr; with --json the first event says it.
    const text = (): void => {
      const m = /listening on (\S+)/.exec(output);
      if (!json && m) resolve({ type: 'listening', url: m[1]! });
    };
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
      text();
    });
    lines.on('line', (l) => {
      output += `${l}\n`;
      if (!json) {
        text();
        return;
      }
      const e = JSON.parse(l) as LiveEvent;
      if (e.type === 'listening') resolve(e);
      else events.push(e);
    });
    child.once('exit', () => reject(new Error(`webhook serve exited early: ${output}`)));
  });
  return { child, url: started.url!, events, started, output: () => output, exited };
}

/** `webhook serve --json` over the sandbox rc in `dir`, journal `dir/journal.ndjson`. */
export function webhookServe(dir: string): Promise<Listener> {
  return startWebhookServe({
    cwd: dir,
    config: path.join(dir, '.wxpayrc.json'),
    journal: path.join(dir, 'journal.ndjson'),
  });
}
