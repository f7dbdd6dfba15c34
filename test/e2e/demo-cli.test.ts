// `wxpay demo`: the CLI shows all eleven steps and exits 0 (the acceptance; the spawned binary runs it in
// demo-interrupt.test.ts and pack-install.test.ts); runs of the command module cover --json, --keep (what is left behind), the QR code on a TTY, and a failing step (non-zero, rest skipped).
// These in-process runs take the committed test keys through the Runtime (three 2048-bit keygens a run cost ~0.4
// CPU-s); the spawned binaries of those two files make real, fresh keys.
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/commands/demo.js';
import type { Runtime } from '../../src/runtime.js';
import { runCli } from '../helpers/cli.js';
import { nextTestKeyPairAsync } from '../helpers/test-keys.js';
import { trackSecretFile } from '../helpers/secrets.js';

function memoryRuntime(tty = false) {
  const stdout = Object.assign(new PassThrough(), { isTTY: tty });
  const stderr = new PassThrough();
  let out = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  const signal: { handler?: ((s: string) => void) | undefined } = {};
  const onSignal = (h: (s: string) => void) => {
    signal.handler = h;
    return () => (signal.handler = undefined);
  };
  let keygens = 0;
  const rt = {
    env: {},
    cwd: os.tmpdir(),
    stdin: new PassThrough(),
    stdout,
    stderr,
    now: () => Date.now(),
    onSignal,
    newRsaKeyPair: () => (keygens++, nextTestKeyPairAsync()),
  } as unknown as Runtime;
  return { rt, output: () => out, stdout, signal, keygens: () => keygens };
}

describe('wxpay demo', () => {
  it('shows all eleven steps with a hand-run command each, exits 0 and leaves nothing behind', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'wxpay-demotmp-'));
    const res = await runCli(['demo'], { cwd: tmp, env: { TMPDIR: tmp }, fixtureKeys: true });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const steps = res.stdout.match(/^✔ +\d+\. .+$/gm) ?? [];
    expect(steps).toHaveLength(11);
    expect(steps[3]).toContain('native prepay');
    expect(steps[10]).toContain('config check');
    expect(res.stdout.match(/by hand: wxpay /g)).toHaveLength(11);
    expect(res.stdout).toMatch(/code_url weixin:\/\/wxpay\/bizpayurl\?pr=/);
    expect(res.stdout).not.toMatch(/[▄▀█]/); // not a TTY: no QR drawing
    expect(res.stdout).toContain('all 11 steps passed');
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('--json --keep: one document with every step passed; the kept folder holds the profile and the journal', async () => {
    const keep = path.join(mkdtempSync(path.join(os.tmpdir(), 'wxpay-demokeep-')), 'demo');
    const { rt, output } = memoryRuntime();
    await run({ args: [], opts: { json: true, keep: keep, mode: 'cert' }, rt });
    trackSecretFile('demo merchant key', path.join(keep, 'merchant', 'apiclient_key.pem'));
    trackSecretFile('demo APIv3 key', path.join(keep, 'apiv3.key'));
    const doc = JSON.parse(output());
    expect(doc).toMatchObject({ ok: true, mode: 'cert', kept: keep });
    expect(doc.steps).toHaveLength(11);
    expect(doc.steps.every((s: { status: string }) => s.status === 'pass')).toBe(true);
    expect(doc.steps.map((s: { command: string }) => s.command.split(' ').slice(0, 2).join(' '))).toEqual([
      'wxpay sandbox',
      'wxpay sandbox',
      'wxpay webhook',
      'wxpay prepay',
      'wxpay sandbox',
      'wxpay webhook',
      'wxpay query',
      'wxpay refund',
      'wxpay sandbox',
      'wxpay refund',
      'wxpay config',
    ]);
    const rc = JSON.parse(readFileSync(path.join(keep, '.wxpayrc.json'), 'utf8'));
    const port = Number(new URL(rc.profiles.sandbox.baseUrl).port);
    expect(doc.steps[1].command).toContain(`--port ${port}`); // the profile points where the demo's sandbox was
    const journal = readFileSync(path.join(keep, 'webhooks.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(journal.filter((e) => e.outcome === 'accepted').map((e) => e.event_type)).toEqual([
      'TRANSACTION.SUCCESS',
      'REFUND.SUCCESS',
    ]);
    // The sandbox's orders are kept too, so `sandbox serve --state` brings them back for the hand-run commands.
    const saved = JSON.parse(readFileSync(path.join(keep, 'sandbox-state.json'), 'utf8'));
    expect(saved.orders.map((o: { outTradeNo: string }) => o.outTradeNo)).toEqual([doc.outTradeNo]);
    expect(saved.refunds.map((r: { outRefundNo: string; status: string }) => [r.outRefundNo, r.status])).toEqual([
      [doc.outRefundNo, 'SUCCESS'],
    ]);
    expect(doc.steps[1].command).toMatch(/ --state \S*demo\/sandbox-state\.json$/);

    // Again in the same folder (keys reused) on a TTY: the QR code is drawn under the prepay step.
    const tty = memoryRuntime(true);
    await run({ args: [], opts: { keep, mode: 'pubkey', color: false }, rt: tty.rt });
    expect(tty.output()).toMatch(/native prepay\n.*code_url[^\n]*\n[ ]+[▄▀█ ]+\n/);
    expect(tty.output()).toContain(`kept ${keep}`);
  });

  it('a failing step fails the demo: the error names the step, later steps are skipped', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'wxpay-demofail-')), 'not-a-folder');
    writeFileSync(file, 'x');
    const { rt, output } = memoryRuntime();
    await expect(run({ args: [], opts: { json: true, keep: file, mode: 'pubkey' }, rt })).rejects.toMatchObject({
      message: expect.stringContaining('demo step 1 (init the keys) failed'),
    });
    const doc = JSON.parse(output());
    expect(doc.ok).toBe(false);
    expect(doc.steps.map((s: { status: string }) => s.status)).toEqual(['fail', ...Array(10).fill('skip')]);
    expect(existsSync(file)).toBe(true); // --keep: never removed, even on failure
  });

  it('Ctrl-C stops the servers, skips the remaining steps, removes the temp folder and exits non-zero', async () => {
    const { rt, output, stdout, signal, keygens } = memoryRuntime();
    stdout.on('data', () => {
      if (output().includes('native prepay')) signal.handler?.('SIGINT');
    });
    await expect(run({ args: [], opts: { mode: 'pubkey', color: false }, rt })).rejects.toMatchObject({
      code: 'DEMO_INTERRUPTED',
      exitCode: 4,
    });
    const dir = path.resolve(os.tmpdir(), /APIv3 key in (\S+)/.exec(output())![1]!); // shown relative to rt.cwd
    expect(path.basename(dir)).toMatch(/^wxpay-demo-/);
    expect(existsSync(dir)).toBe(false);
    expect(output()).not.toContain('all 11 steps passed');
    expect(signal.handler).toBeUndefined(); // the handler is removed again
    // A throwaway pubkey demo makes no platform certificate: merchant and public-key pairs only, also in the
    // sandbox step's second init (it ran before the prepay step).
    expect(keygens()).toBe(2);
  });
});
