// The money-out callbacks through bin/wxpay: `notify trigger` sends PROFITSHARING.SUCCESS, PROFITSHARING.RETURN and
// REFUND.ABNORMAL; `webhook serve` verifies and decrypts them, shows their key fields on the live line and keeps the
// decrypted resource in its journal; `notify decrypt` prints a captured one.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSandboxKeys } from '../../src/sandbox/keyset.js';
import { formatLive, type LiveEvent } from '../../src/webhook/live-line.js';
import { startWebhookServer, type WebhookServer } from '../../src/webhook/server.js';
import { createKeyStore } from '../../src/protocol/keys.js';
import { runCli } from '../helpers/cli.js';
import { initTestSandbox } from '../helpers/sandbox.js';
import { trackSecretFile } from '../helpers/secrets.js';

const dir = mkdtempSync(path.join(tmpdir(), 'wxpay-money-out-cb-'));
const sbDir = path.join(dir, 'sb');
const journalPath = path.join(dir, 'journal.ndjson');
let rc: string;
let srv: WebhookServer;
const live: LiveEvent[] = [];

beforeAll(async () => {
  const init = await initTestSandbox({ dir: sbDir, mode: 'pubkey' });
  rc = init.rcPath;
  for (const file of [init.apiV3KeyPath, init.privateKeyPath, init.platformKeyPath])
    trackSecretFile(path.basename(file), file);
  const sb = await loadSandboxKeys(sbDir);
  srv = await startWebhookServer({
    keys: createKeyStore([[sb.publicKeyId, sb.publicKey]]),
    apiV3Key: sb.apiV3Key,
    journalPath,
    onEvent: (e) => live.push(e),
  });
});
afterAll(async () => {
  await srv.close();
});

const trigger = (event: string, ...extra: string[]) =>
  runCli(['notify', 'trigger', event, '--to', srv.url, '--sandbox-dir', sbDir, '--json', ...extra], { cwd: dir });

describe('money-out callbacks', () => {
  it('PROFITSHARING.SUCCESS and RETURN reach webhook serve with out_order_no and the receiver amount', async () => {
    const sent = await trigger('PROFITSHARING.SUCCESS', '--amount', '30', '--set', 'out_order_no=P20260101001');
    expect(sent.code).toBe(0);
    expect(sent.json()).toMatchObject({ event_type: 'PROFITSHARING.SUCCESS', passed: true });
    expect((await trigger('PROFITSHARING.RETURN', '--amount', '10')).code).toBe(0);
    const [split, back] = live.filter((e) => e.event_type?.startsWith('PROFITSHARING'));
    expect(split).toMatchObject({ outcome: 'accepted', out_order_no: 'P20260101001', amount: 30 });
    expect(formatLive(split!)).toContain('PROFITSHARING.SUCCESS  P20260101001  30 fen');
    expect(back).toMatchObject({ outcome: 'accepted', amount: 10 });
    expect(back!.out_order_no).toMatch(/^P\d{14}$/);
  });

  it('REFUND.ABNORMAL reaches webhook serve with its state; the journal keeps the decrypted resource', async () => {
    expect((await trigger('REFUND.ABNORMAL', '--amount', '40', '--out-trade-no', 'ORDER20260101009')).code).toBe(0);
    expect(live.at(-1)).toMatchObject({
      event_type: 'REFUND.ABNORMAL',
      out_trade_no: 'ORDER20260101009',
      amount: 40,
      state: 'ABNORMAL',
    });
    const entries = readFileSync(journalPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event_type?: string; resource?: Record<string, unknown>; outcome?: string });
    const accepted = entries.filter((e) => e.outcome === 'accepted').map((e) => [e.event_type, e.resource]);
    expect(accepted).toEqual([
      [
        'PROFITSHARING.SUCCESS',
        expect.objectContaining({ out_order_no: 'P20260101001', receiver: expect.objectContaining({ amount: 30 }) }),
      ],
      ['PROFITSHARING.RETURN', expect.objectContaining({ receiver: expect.objectContaining({ amount: 10 }) })],
      ['REFUND.ABNORMAL', expect.objectContaining({ refund_status: 'ABNORMAL', out_trade_no: 'ORDER20260101009' })],
    ]);
  });

  it('notify decrypt prints a captured PROFITSHARING.SUCCESS', async () => {
    const entry = readFileSync(journalPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event_type?: string; headers: object; body: string })
      .find((e) => e.event_type === 'PROFITSHARING.SUCCESS')!;
    const capture = path.join(dir, 'ps.json');
    writeFileSync(capture, JSON.stringify({ headers: entry.headers, body: entry.body }));
    const r = await runCli(['notify', 'decrypt', '--capture', capture, '--config', rc, '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({
      event_type: 'PROFITSHARING.SUCCESS',
      summary: '分账成功',
      verified: true,
      resource: { out_order_no: 'P20260101001', receiver: { type: 'MERCHANT_ID', amount: 30 } },
    });
    const human = await runCli(['notify', 'decrypt', '--capture', capture, '--config', rc], { cwd: dir });
    expect(human.stdout).toContain('PROFITSHARING.SUCCESS');
    expect(human.stdout).toContain('"out_order_no": "P20260101001"');
  });
});
