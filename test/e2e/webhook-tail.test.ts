// `wxpay webhook tail` (issue 17): a journal shown as serve's live lines, filtered, terminal-safe, as NDJSON, and
// followed by a real process until Ctrl-C.
import { spawn } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';
import { binPath } from '../helpers/paths.js';

const dir = tempDir('wxpay-tail-cli-');
const journal = path.join(dir, 'wxpay-webhooks.ndjson');
const entry = (n: number, extra: Record<string, unknown> = {}) => ({
  receivedAt: `2026-12-02T05:00:0${n}.000Z`,
  id: `EV-${n}`,
  event_type: n % 2 ? 'TRANSACTION.SUCCESS' : 'REFUND.SUCCESS',
  resource: { out_trade_no: `T${n}`, amount: { total: 100 * n } },
  verification: { serial: 'PUB_KEY_ID_0001' },
  outcome: 'accepted',
  status: 204,
  ...extra,
});
writeFileSync(
  journal,
  [
    entry(1),
    entry(2),
    // Anyone can post a rejected request into a journal: its text must not drive the terminal.
    {
      outcome: 'rejected',
      status: 401,
      code: 'VERIFY_BAD_SIGNATURE\u001b]0;owned\u0007',
      receivedAt: '2026-12-02T05:00:03.000Z',
    },
  ]
    .map((e) => JSON.stringify(e))
    .join('\n') + '\n{"torn',
);

describe('webhook tail', () => {
  it('prints every whole entry as a live line, with control characters shown, not obeyed', async () => {
    const r = await runCli(['webhook', 'tail'], { cwd: dir });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(
      '2026-12-02T05:00:01.000Z  204  accepted  TRANSACTION.SUCCESS  T1  100 fen  -  verified PUB_KEY_ID_0001  -',
    );
    expect(lines[2]).toContain('VERIFY_BAD_SIGNATURE\\x1b]0;owned\\x07');
    expect(r.stdout).not.toContain('\u001b');
  });

  it('--filter, --lines and --json select and shape the output', async () => {
    const r = await runCli(['webhook', 'tail', '--journal', journal, '--filter', 'event_type=REFUND.*', '--json']);
    expect(r.code).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: string }),
    ).toMatchObject([{ id: 'EV-2', amount: 200 }]);
    const last = await runCli([
      'webhook',
      'tail',
      '--journal',
      journal,
      '--lines',
      '1',
      '--filter',
      'outcome=accepted',
    ]);
    expect(last.stdout.trim()).toMatch(/^2026-12-02T05:00:02\.000Z {2}204 {2}accepted {2}REFUND\.SUCCESS {2}T2 /);
  });

  it('a missing journal or a bad filter is a usage error (exit 2) with a hint', async () => {
    const missing = await runCli(['webhook', 'tail', '--journal', path.join(dir, 'nope.ndjson'), '--json']);
    expect(missing.code).toBe(2);
    expect(missing.error()).toMatchObject({ code: 'USAGE', hint: expect.stringContaining('--journal') });
    const bad = await runCli(['webhook', 'tail', '--journal', journal, '--filter', 'colour=red']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('event_type');
  });

  it('--follow prints what is appended, and Ctrl-C ends it with exit 0', async () => {
    const child = spawn(process.execPath, [binPath, 'webhook', 'tail', '--follow', '--journal', journal], {
      env: cleanEnv(),
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const seen = async (text: string) => {
      for (let i = 0; i < 300 && !out.includes(text); i++) await new Promise((r) => setTimeout(r, 50));
      expect(out).toContain(text);
    };
    await seen('  T1  ');
    appendFileSync(journal, `\n${JSON.stringify(entry(5))}\n`);
    await seen('T5');
    const exited = new Promise<number | null>((r) => child.on('close', r));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out.split('\n').filter(Boolean)).toHaveLength(4);
  });
});
