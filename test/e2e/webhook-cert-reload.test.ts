// Issue 13: in certificate mode, `webhook serve` picks up a rotated platform certificate without a restart. On an
// unknown serial it reads platformCertDir again (at most once a second) before answering 401, and the 401's log
// line says how to refresh the folder (`wxpay certs download`).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { buildNotification } from '../../src/protocol/notification.js';
import { loadSandboxKeys, rotatePlatformCert } from '../../src/sandbox/keyset.js';
import { cleanEnv } from '../helpers/cli.js';
import { binPath } from '../helpers/paths.js';
import { recordOutput } from '../helpers/secrets-scan.js';
import { trackSecretFile } from '../helpers/secrets.js';
import { initTestSandbox } from '../helpers/sandbox.js';
import { removeTemp } from '../helpers/scan-written-files.js';

const dir = mkdtempSync(path.join(tmpdir(), 'wxpay-cert-reload-'));
let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill('SIGKILL');
  removeTemp(dir);
});

describe('webhook serve in certificate mode', () => {
  it('cert-rotation-reload: a callback signed with a new platform certificate is accepted once the folder has it, without a restart', async () => {
    const sbDir = path.join(dir, 'sb');
    const init = await initTestSandbox({ dir: sbDir, mode: 'cert' });
    for (const file of [init.apiV3KeyPath, init.privateKeyPath, init.platformKeyPath])
      trackSecretFile(path.basename(file), file);
    child = spawn(
      process.execPath,
      [
        binPath,
        'webhook',
        'serve',
        '--config',
        init.rcPath,
        '--port',
        '0',
        '--journal',
        path.join(dir, 'j.ndjson'),
        '--json',
      ],
      { cwd: dir, env: cleanEnv() },
    );
    let output = '';
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const events: Array<Record<string, any>> = [];
    const lines = createInterface({ input: child.stdout! });
    const started = await new Promise<Record<string, any>>((resolve) =>
      lines.once('line', (l) => resolve(JSON.parse(l))),
    );
    lines.on('line', (l) => {
      output += `${l}\n`;
      events.push(JSON.parse(l));
    });

    const serial = await rotatePlatformCert(sbDir);
    const sb = await loadSandboxKeys(sbDir);
    const newest = sb.platform.find((p) => p.serial === serial)!;
    const send = () => {
      const n = buildNotification({
        eventType: 'TRANSACTION.SUCCESS',
        originalType: 'transaction',
        apiV3Key: sb.apiV3Key,
        signingKey: newest.privateKey,
        serial,
        plaintext: { mchid: sb.mchid, out_trade_no: 'ROT1', trade_state: 'SUCCESS', amount: { total: 1 } },
        timestamp: String(Math.floor(Date.now() / 1000)),
        nonce: randomUUID().replace(/-/g, ''),
        resourceNonce: 'n0nce0123456',
        id: randomUUID(),
        createTime: '2026-11-28T10:00:00+08:00',
      });
      return fetch(started.url, { method: 'POST', headers: n.headers, body: n.body }).then(
        async (r) => (await r.text(), r.status),
      );
    };
    // The folder does not have the new certificate yet: re-read, still unknown, 401 with the way to refresh it.
    expect(await send()).toBe(401);
    await waitFor(() => events.length >= 1);
    expect(events[0]).toMatchObject({
      type: 'event',
      status: 401,
      verification: 'VERIFY_UNKNOWN_SERIAL',
      error: expect.stringContaining('wxpay certs download'),
    });
    expect(events[0]!.error).toContain(serial);
    // What `wxpay certs download` does: the new certificate lands in platformCertDir. No restart.
    copyFileSync(
      path.join(sbDir, 'wechatpay', `platform_${serial}_cert.pem`),
      path.join(sbDir, 'certs', `wechatpay_${serial}.pem`),
    );
    await new Promise((r) => setTimeout(r, 1_100)); // reloads are at most once a second
    expect(await send()).toBe(204);
    child.kill('SIGTERM');
    await new Promise((r) => child!.once('exit', r));
    recordOutput(inject('artifactsDir'), 'wxpay webhook serve (cert reload)', output);
  });
});

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 250 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
}
