// Regression (server-startup-hang, issue 14): `sandbox serve` on a busy port (or --port 70000) printed
// "INTERNAL … This is a bug in wxpay" and never exited; `webhook serve` on a busy port or with a journal in a
// missing folder exited 1 blaming a bug; `sandbox serve --json | head -1` crashed on EPIPE at the next request.
// Both servers now exit at once with a typed error that names the port and the --port flag.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli, spawnCli } from '../helpers/cli.js';
import { binPath } from '../helpers/paths.js';
import { initTestSandbox } from '../helpers/sandbox.js';
import { trackSecretFile } from '../helpers/secrets.js';
import { removeTemp } from '../helpers/scan-written-files.js';

let dir: string;
let rc: string;
let blocker: Server;
let busyPort: number;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'wxpay-startup-'));
  const init = await initTestSandbox({ dir: path.join(dir, 'sb'), mode: 'pubkey' });
  trackSecretFile('startup merchant key', init.privateKeyPath);
  trackSecretFile('startup APIv3 key', init.apiV3KeyPath);
  rc = init.rcPath;
  blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  busyPort = (blocker.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((r) => blocker.close(r));
  removeTemp(dir);
});

// Spawned: the bug was a process that never exited. A server that hangs would be killed at the timeout: code null,
// never a number.
const run = (args: string[]) => spawnCli(args, { cwd: dir, timeoutMs: 15_000 });
const sandbox = (...a: string[]) => run(['sandbox', 'serve', '--dir', 'sb', ...a]);
const webhook = (...a: string[]) =>
  run(['webhook', 'serve', '--config', rc, '--journal', path.join(dir, 'wh.ndjson'), ...a]);

// The same failing starts in this process (runCli, test/helpers/cli.ts), for what they print: that the process
// exits is shown by the spawned cases, which take the same path.
const inProcess = (args: string[]) => runCli(args, { cwd: dir, timeoutMs: 15_000 });
const sandboxHere = (...a: string[]) => inProcess(['sandbox', 'serve', '--dir', 'sb', ...a]);
const webhookHere = (...a: string[]) =>
  inProcess(['webhook', 'serve', '--config', rc, '--journal', path.join(dir, 'wh.ndjson'), ...a]);

// Each failing start is a process of its own that exits at once (nothing is served, so nothing is written to the
// shared sandbox folder): they run side by side.
describe.concurrent.each([
  ['sandbox serve', sandbox, sandboxHere],
  ['webhook serve', webhook, webhookHere],
] as const)('%s start-up failures', (_name, serve, serveHere) => {
  it('a busy port: LISTEN_FAILED (exit 3) naming the port, hint --port', async () => {
    const r = await serve('--port', String(busyPort));
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      `✖ LISTEN_FAILED: Cannot listen on 127.0.0.1:${busyPort}: the port is already in use (EADDRINUSE)`,
    );
    expect(r.stderr).toMatch(/hint: .*--port/);
    expect(r.stderr).not.toMatch(/bug in wxpay|INTERNAL/);
  });

  it('a busy port with --json: the typed error document', async () => {
    const r = await serveHere('--port', String(busyPort), '--json');
    expect(r.code).toBe(3);
    expect(r.error()).toMatchObject({
      code: 'LISTEN_FAILED',
      exitCode: 3,
      details: { port: busyPort, host: '127.0.0.1', errno: 'EADDRINUSE' },
    });
  });

  it('--port 70000 is a usage error (exit 2), not a bug', async () => {
    const r = await serve('--port', '70000');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('✖ USAGE: --port must be between 0 and 65535, got 70000');
  });

  it('a host that is not this machine: LISTEN_FAILED', async () => {
    const r = await serve('--port', '0', '--host', '192.0.2.1');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('LISTEN_FAILED: Cannot listen on 192.0.2.1:0');
    expect(r.stderr).toMatch(/hint: .*--host/);
  });
});

describe.concurrent('webhook serve journal', () => {
  it('a journal in a missing folder: JOURNAL_UNWRITABLE (exit 3) naming the file', async () => {
    const journal = path.join(dir, 'no-such-folder', 'wh.ndjson');
    const r = await run(['webhook', 'serve', '--config', rc, '--port', '0', '--journal', journal]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`✖ JOURNAL_UNWRITABLE: Cannot open the journal ${journal}`);
    expect(r.stderr).toContain(path.join(dir, 'no-such-folder'));
    expect(r.stderr).not.toMatch(/bug in wxpay/);
  });
});

describe('sandbox serve output', () => {
  it('--port N: the profile hint points at N', async () => {
    const child = spawn(process.execPath, [binPath, 'sandbox', 'serve', '--dir', 'sb', '--port', '0'], {
      cwd: dir,
      env: cleanEnv(),
    });
    try {
      const first = await new Promise<string>((resolve) =>
        child.stdout.once('data', (d: Buffer) => resolve(d.toString())),
      );
      const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(first)?.[1];
      expect(port).toBeDefined();
      expect(first).toContain(
        `wxpay --config ${path.join(dir, 'sb', '.wxpayrc.json')} --base-url http://127.0.0.1:${port}`,
      );
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('close', r));
    }
  });

  // Two processes of their own, each paced by 100 ms pauses for the pipe to close: side by side.
  it.concurrent.each([
    ['sandbox serve', 'sandbox serve --dir sb --port 0 --json', '/sandbox/stats', 'GET', 200],
    [
      'webhook serve',
      `webhook serve --config sb/.wxpayrc.json --port 0 --json --journal wh-epipe.ndjson`,
      '',
      'POST',
      401,
    ],
  ])('%s survives a closed stdout (--json | head -1, then requests)', async (_name, args, p, method, status) => {
    const child = spawn('bash', ['-c', `"${process.execPath}" "${binPath}" ${args} | head -1`], {
      cwd: dir,
      env: cleanEnv(),
      detached: true,
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      const first = await new Promise<string>((resolve) =>
        child.stdout.once('data', (d: Buffer) => resolve(d.toString())),
      );
      const url = JSON.parse(first).url as string;
      // head has exited after its line: each request's log line now meets a closed pipe.
      const call = () =>
        fetch(`${url}${p}`, {
          method,
          ...(method === 'POST' ? { body: '{}', headers: { 'content-type': 'application/json' } } : {}),
        });
      for (let i = 0; i < 3; i++) {
        const res = await call();
        expect(res.status).toBe(status);
        await res.text();
        await new Promise((r) => setTimeout(r, 100));
      }
      const still = await call();
      expect(still.status).toBe(status);
      expect(stderr).not.toMatch(/EPIPE|Error/);
    } finally {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // the group is already gone (the failure this test is about)
      }
      if (child.exitCode === null) await new Promise((r) => child.on('close', r));
    }
  });
});
