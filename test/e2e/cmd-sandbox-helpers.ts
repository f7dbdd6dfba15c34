// Shared set-up for the operator-command e2e tests: a sandbox key set and server started in-process on port 0,
// admin helpers over its /sandbox control API, and runCli bound to the sandbox's rc file and URL.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SandboxMode } from '../../src/sandbox/keyset.js';
import { initTestSandbox } from '../helpers/sandbox.js';
import { startSandbox, type SandboxHandle, type SandboxOptions } from '../../src/sandbox/server.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { trackSecretFile } from '../helpers/secrets.js';
import { removeTemp } from '../helpers/scan-written-files.js';

export const NOTIFY = 'http://127.0.0.1:9/notify';

export interface Env {
  dir: string;
  sb: SandboxHandle;
  mode: SandboxMode;
  cli(args: string[], input?: string): Promise<CliResult>;
  admin(method: string, p: string, body?: unknown): Promise<any>;
  count(route: string): Promise<number>;
  close(): Promise<void>;
}

export async function sandboxEnv(mode: SandboxMode, opts: Partial<SandboxOptions> = {}): Promise<Env> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `wxpay-cmd-${mode}-`));
  const init = await initTestSandbox({ dir, mode });
  trackSecretFile(`sandbox ${mode} merchant key`, init.privateKeyPath);
  trackSecretFile(`sandbox ${mode} APIv3 key`, init.apiV3KeyPath);
  const sb = await startSandbox({ dir, port: 0, mode, autoRefundMs: -1, refundSpacingMs: 0, ...opts });
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
    dir,
    sb,
    mode,
    cli: (args, input) =>
      runCli(args, { cwd: dir, env: { WXPAY_BASE_URL: sb.url }, ...(input !== undefined ? { input } : {}) }),
    admin,
    count: async (route) => ((await admin('GET', '/sandbox/stats')).requests[route] ?? 0) as number,
    close: async () => {
      await sb.close();
      removeTemp(dir);
    },
  };
}

export const prepayArgs = (kind: string, no: string, amount = '100') => [
  'prepay',
  kind,
  '--out-trade-no',
  no,
  '--amount',
  amount,
  '--description',
  'Tea',
  '--notify-url',
  NOTIFY,
];

/** An in-process client on the sandbox profile, for fast set-up (creating orders) without spawning. */
export async function inProcessClient(env: Env) {
  const { loadConfig } = await import('../../src/config/config.js');
  const { loadApiV3Key, loadMerchant, loadVerifierKeys } = await import('../../src/config/credentials.js');
  const { createClient } = await import('../../src/http/client.js');
  const profile = await loadConfig({ cwd: env.dir, env: { WXPAY_BASE_URL: env.sb.url } });
  return createClient({
    baseUrl: profile.baseUrl,
    merchant: await loadMerchant(profile),
    keys: await loadVerifierKeys(profile),
    apiV3Key: await loadApiV3Key(profile, {}),
    ...(profile.publicKeyId ? { publicKeyId: profile.publicKeyId } : {}),
  });
}
