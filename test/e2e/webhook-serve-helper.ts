// A spawned `webhook serve --json` on port 0 with a journal, collecting its live NDJSON events (complaint and
// combine e2e tests).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { cleanEnv } from '../helpers/cli.js';
import { binPath } from '../helpers/paths.js';

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
}

export interface Listener {
  child: ChildProcess;
  url: string;
  events: LiveEvent[];
}

export async function webhookServe(dir: string): Promise<Listener> {
  const args = ['webhook', 'serve', '--config', path.join(dir, '.wxpayrc.json'), '--port', '0'];
  const child = spawn(process.execPath, [binPath, ...args, '--journal', path.join(dir, 'journal.ndjson'), '--json'], {
    cwd: dir,
    env: cleanEnv(),
  });
  const events: LiveEvent[] = [];
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    lines.on('line', (l) => {
      const e = JSON.parse(l) as LiveEvent & { url?: string };
      if (e.type === 'listening') resolve(e.url!);
      else events.push(e);
    });
    child.once('exit', () => reject(new Error('webhook serve exited early')));
  });
  return { child, url, events };
}
