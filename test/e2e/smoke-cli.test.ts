// `wxpay smoke` against a sandbox started in-process: passes (with a JUnit file); fails with a clear reason and
// the documented exit code when the private key is wrong (5), the APIv3 key is wrong (7, certificate mode), the
// sandbox is down (4), or the clock is skewed by more than 5 minutes (6).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxInitResult } from '../../src/sandbox/keyset.js';
import { initTestSandbox } from '../helpers/sandbox.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/server.js';
import { runCli } from '../helpers/cli.js';
import { trackSecretFile } from '../helpers/secrets.js';
import { nextTestKeyPair } from '../helpers/test-keys.js';

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('wxpay smoke', () => {
  let init: SandboxInitResult;
  let sb: SandboxHandle;
  const smoke = (args: string[], env: Record<string, string> = {}) =>
    runCli(['smoke', '--json', '--config', init.rcPath, ...args], {
      cwd: init.dir,
      env: { WXPAY_BASE_URL: sb.url, ...env },
    });

  beforeAll(async () => {
    init = await initTestSandbox({ dir: mkdtempSync(path.join(os.tmpdir(), 'wxpay-smoke-')), mode: 'cert' });
    trackSecretFile('smoke merchant key', init.privateKeyPath);
    trackSecretFile('smoke APIv3 key', init.apiV3KeyPath);
    sb = await startSandbox({ dir: init.dir, port: 0 });
  });
  afterAll(() => sb.close());

  it('passes against a running sandbox and writes JUnit XML', async () => {
    const junit = path.join(init.dir, 'reports', 'smoke.xml');
    const res = await smoke(['--junit', junit]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const doc = res.json();
    expect(doc).toMatchObject({ ok: true, profile: 'sandbox', baseUrl: sb.url });
    expect(doc.checks.map((c: { name: string; status: string }) => `${c.name}:${c.status}`)).toEqual([
      'config:pass',
      'clock skew:pass',
      'certificates:pass',
      'signed request:pass',
    ]);
    expect(doc.checks[3].message).toMatch(/ORDER_NOT_EXIST, Request-ID \S+-\d+; signature, mchid and serial accepted/);
    expect(doc.checks[2].message).toContain('GET /v3/certificates verified');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testsuite name="wxpay smoke" tests="4" failures="0" errors="0" skipped="0"/);
    expect(xml.match(/<testcase /g)).toHaveLength(4);
    // Nothing that moves money: the only API calls were the certificate list and one order query.
    const stats = (await (await fetch(`${sb.url}/sandbox/stats`)).json()) as { requests: Record<string, number> };
    expect(Object.keys(stats.requests).filter((k) => k.startsWith('POST /v3'))).toEqual([]);
  });

  it('a wrong private key: exit 5, SIGN_ERROR from the signed request, and the key/certificate mismatch named', async () => {
    const other = path.join(init.dir, 'other_key.pem');
    writeFileSync(other, nextTestKeyPair().privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    trackSecretFile('smoke wrong key', other);
    const junit = path.join(init.dir, 'wrong-key.xml');
    const res = await smoke(['--junit', junit], { WXPAY_PRIVATE_KEY_PATH: other });
    expect(res.code).toBe(5);
    expect(res.error()).toMatchObject({
      code: 'WECHATPAY_ERROR',
      message: expect.stringContaining('signed request: HTTP 401 SIGN_ERROR'),
    });
    const checks = res.json().checks as Array<{
      name: string;
      status: string;
      details?: Array<{ name: string; status: string }>;
    }>;
    expect(checks.find((c) => c.name === 'signed request')!.status).toBe('fail');
    expect(checks[0]!.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'key matches certificate', status: 'fail' })]),
    );
    expect(readFileSync(junit, 'utf8')).toMatch(/<failure message="HTTP 401 SIGN_ERROR[^"]*" type="WECHATPAY_ERROR">/);
  });

  it('a wrong APIv3 key (certificate mode): exit 7, the certificate list does not decrypt', async () => {
    const res = await smoke([], { WXPAY_APIV3_KEY: 'ThisIsNotTheKeyOfThisMerchant123' });
    expect(res.code).toBe(7);
    expect(res.error()).toMatchObject({
      code: 'DECRYPT_FAILED',
      message: expect.stringContaining('(certificates); certificates:'),
    });
    expect(res.json().checks.find((c: { name: string }) => c.name === 'signed request').status).toBe('pass');
  });

  it('the sandbox is down: exit 4, one clear reason, no pointless retries', async () => {
    const res = await smoke([], { WXPAY_BASE_URL: `http://127.0.0.1:${await closedPort()}` });
    expect(res.code).toBe(4);
    expect(res.error()).toMatchObject({
      code: 'NETWORK',
      message: expect.stringMatching(/clock skew: cannot reach http:\/\/127\.0\.0\.1:\d+\/: ECONNREFUSED/),
    });
    expect(res.json().checks.find((c: { name: string }) => c.name === 'signed request').message).toMatch(
      /^not sent: cannot reach/,
    );
  });

  it('a clock skewed by more than 5 minutes: exit 6 with the skew in seconds', async () => {
    await fetch(`${sb.url}/sandbox/clock`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ offsetSeconds: 420 }),
    });
    try {
      const res = await smoke([]);
      expect(res.code).toBe(6);
      expect(res.error()).toMatchObject({
        code: 'VERIFY_TIMESTAMP',
        message: expect.stringMatching(/clock skew: the server clock is 42\d s ahead of this machine/),
      });
      // The server also refuses our timestamp, as WeChat Pay would.
      expect(res.json().checks.find((c: { name: string }) => c.name === 'signed request').message).toContain(
        'SIGN_ERROR',
      );
    } finally {
      await fetch(`${sb.url}/sandbox/clock`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ offsetSeconds: 0 }),
      });
    }
  });
});
