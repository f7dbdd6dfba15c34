// Test harness for batch operations (issue 8): a sandbox on port 0 whose request log counts what the server
// actually did, fast seeding of paid orders (the sandbox's own order logic, in-process), the CLI
// run in-process (a fake Runtime whose signal handler the test can fire) or spawned for crash tests.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { inject } from 'vitest';
import { createClient, type WxpayClient } from '../../src/http/client.js';
import { loadConfig } from '../../src/config/config.js';
import { loadMerchant, loadVerifierKeys } from '../../src/config/credentials.js';
import { buildProgram } from '../../src/cli.js';
import { toWxpayError } from '../../src/report-error.js';
import type { Runtime } from '../../src/runtime.js';
import type { AuthorizationFields } from '../../src/protocol/canonical.js';
import type { RequestLogEntry } from '../../src/sandbox/context.js';
import { orderKey } from '../../src/sandbox/state.js';
import { markPaid, prepay as sandboxPrepay } from '../../src/sandbox/orders.js';
import type { SandboxInitResult, SandboxMode } from '../../src/sandbox/keyset.js';
import { initTestSandbox } from './sandbox.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/server.js';
import { cleanEnv } from './cli.js';
import { recordOutput } from './secrets-scan.js';
import { trackSecretFile } from './secrets.js';
import { currentTestFile } from './test-keys.js';

export interface BatchEnv {
  init: SandboxInitResult;
  sb: SandboxHandle;
  /** Where tests write CSV files; commands run with cwd = init.dir. */
  dir: string;
  log: RequestLogEntry[];
  client: WxpayClient;
  env: Record<string, string>;
  admin(method: string, p: string, body?: unknown): Promise<any>;
  /** Creates orders of `total` fen each in the sandbox, paid (without a payment callback) unless `pay` is false. */
  seed(nos: string[], total: number, pay?: boolean): void;
  /** 200 answers the server gave to a route, e.g. 'POST /v3/refund/domestic/refunds'. */
  ok(route: string): number;
  close(): Promise<void>;
}

// Keyed by test file: files may share this module (vitest isolate: false), and each gets a key set of its own.
const keySets = new Map<string, Promise<SandboxInitResult>>();

async function newKeySet(mode: SandboxMode): Promise<SandboxInitResult> {
  const init = await initTestSandbox({ dir: mkdtempSync(path.join(os.tmpdir(), 'wxpay-batch-')), mode });
  trackSecretFile('batch sandbox merchant key', init.privateKeyPath);
  trackSecretFile('batch sandbox APIv3 key', init.apiV3KeyPath);
  return init;
}

/** One key set per test file; a fresh sandbox state per call. `random` drives the sandbox's fault rolls (default
 *  Math.random), so a test can seed them. `timeoutMs` (WXPAY_TIMEOUT_MS for the commands) is for tests that kill runs
 *  or reset connections: a batch waits one request timeout before it trusts a "not found" after a send that got no
 *  answer, and the default 30 s would dwarf them. */
export async function batchEnv(
  opts: { random?: () => number; mode?: SandboxMode; timeoutMs?: number } = {},
): Promise<BatchEnv> {
  const key = `${currentTestFile()}#${opts.mode ?? 'pubkey'}`;
  if (!keySets.has(key)) keySets.set(key, newKeySet(opts.mode ?? 'pubkey'));
  const init = await keySets.get(key)!;
  const log: RequestLogEntry[] = [];
  const sb = await startSandbox({
    dir: init.dir,
    port: 0,
    autoRefundMs: -1,
    refundSpacingMs: 0,
    onRequest: (e) => log.push(e),
    ...(opts.random ? { random: opts.random } : {}),
  });
  // CSV, journal and result files go here; commands run in the key set's folder (its .wxpayrc.json).
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wxpay-batch-run-'));
  const profile = await loadConfig({ cwd: init.dir, env: { WXPAY_BASE_URL: sb.url } });
  const client = createClient({
    baseUrl: sb.url,
    merchant: await loadMerchant(profile),
    keys: await loadVerifierKeys(profile),
    ...(profile.publicKeyId ? { publicKeyId: profile.publicKeyId } : {}),
  });
  const admin = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${sb.url}${p}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return text ? JSON.parse(text) : undefined;
  };
  return {
    init,
    sb,
    dir,
    log,
    client,
    admin,
    env: { WXPAY_BASE_URL: sb.url, ...(opts.timeoutMs ? { WXPAY_TIMEOUT_MS: String(opts.timeoutMs) } : {}) },
    seed(nos, total, pay = true) {
      // Straight into the sandbox's own order logic (no HTTP, no signing): 1,000 paid orders in well under a second.
      // Paid without the TRANSACTION.SUCCESS callback (markPaid, not payOrder): no batch test reads it, and each one
      // was an RSA signature and a refused connection to the dead notify_url below, then again on every retry of the
      // 15 s schedule while the file ran (~1,000 signatures in batch-sandbox alone).
      const auth = { mchid: init.mchid } as AuthorizationFields;
      for (const no of nos) {
        sandboxPrepay(
          sb.context,
          'native',
          false,
          {
            appid: init.appid,
            mchid: init.mchid,
            description: 'Tea',
            out_trade_no: no,
            notify_url: 'http://127.0.0.1:9/notify',
            amount: { total, currency: 'CNY' },
          },
          auth,
        );
        // By key, not orderByOutTradeNo: that scans every order, so seeding 1,000 was quadratic.
        if (pay) markPaid(sb.context, sb.state.orders.get(orderKey(init.mchid, undefined, no))!);
      }
    },
    ok: (route) => log.filter((e) => e.route === route && e.status === 200).length,
    async close() {
      await client.close();
      await sb.close();
    },
  };
}

export interface InProcessResult {
  code: number;
  error?: ReturnType<typeof toWxpayError>;
  stdout: string;
  stderr: string;
}

export interface InProcessOptions {
  cwd: string;
  env?: Record<string, string>;
  tty?: boolean;
  input?: string;
  /** Called with a function that fires SIGINT, once per finished row (stdout line with --json). */
  onStdoutLine?: (line: string, sigint: () => void) => void;
}

/** Runs the real commander program in this process, with a Runtime the test controls. */
export async function runInProcess(args: string[], o: InProcessOptions): Promise<InProcessResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = Object.assign(new PassThrough(), { isTTY: o.tty ?? false });
  const out: string[] = [];
  const err: string[] = [];
  const handlers = new Set<(s: string) => void>();
  const sigint = () => handlers.forEach((h) => h('SIGINT'));
  let partial = '';
  stdout.on('data', (d: Buffer) => {
    out.push(d.toString());
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop()!;
    for (const l of lines) o.onStdoutLine?.(l, sigint);
  });
  stderr.on('data', (d: Buffer) => err.push(d.toString()));
  if (o.input !== undefined) stdin.end(o.input);
  const rt: Runtime = {
    env: cleanEnv(o.env),
    cwd: o.cwd,
    stdin,
    stdout: Object.assign(stdout, { isTTY: false }),
    stderr: Object.assign(stderr, { isTTY: o.tty ?? false }),
    now: () => Date.now(),
    onSignal(h) {
      handlers.add(h);
      return () => handlers.delete(h);
    },
  };
  let code = 0;
  let error: InProcessResult['error'];
  try {
    await buildProgram(rt).parseAsync(['node', 'wxpay', ...args]);
  } catch (e) {
    error = toWxpayError(e);
    code = 'helpExit' in error ? error.helpExit : error.exitCode;
  }
  const result = { code, ...(error ? { error } : {}), stdout: out.join(''), stderr: err.join('') };
  recordOutput(inject('artifactsDir'), `wxpay ${args.join(' ')} (in-process)`, `${result.stdout}\n${result.stderr}`);
  return result;
}

/** Spawns bin/wxpay (crash tests kill it): test/helpers/cli.ts. */
export { spawnCli } from './cli.js';
