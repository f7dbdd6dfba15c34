// Regression (sign-explain-inputs, issue 14): `sign --explain` rejected what users actually have. wxpay's own
// `--json` error document and a `--verbose` capture were USAGE errors, a serial_no SIGN_ERROR was a USAGE error,
// and without --timestamp/--nonce it reported a timestamp difference that hid the real cause. Each input here
// comes from a real failed call against the sandbox.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxInitResult } from '../../src/sandbox/keyset.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/server.js';
import { runCli } from '../helpers/cli.js';
import { trackSecret, trackSecretFile } from '../helpers/secrets.js';
import { initTestSandbox } from '../helpers/sandbox.js';
import { nextTestKeyPair } from '../helpers/test-keys.js';
import { removeTemp } from '../helpers/scan-written-files.js';

let dir: string;
let init: SandboxInitResult;
let sb: SandboxHandle;
const files: Record<string, string> = {};
const QUERY = '/v3/pay/transactions/out-trade-no/EXPLAIN0001?mchid=1900000001';
const WRONG_SERIAL = 'ABCDEF0123456789ABCDEF0123456789ABCDEF01';
const server: Record<string, { timestamp: string; nonce: string }> = {};

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'wxpay-sign-explain-'));
  init = await initTestSandbox({ dir, mode: 'cert', mchid: '1900000001' });
  trackSecretFile('explain merchant key', init.privateKeyPath);
  trackSecretFile('explain APIv3 key', init.apiV3KeyPath);
  sb = await startSandbox({ dir, port: 0 });
  // Another merchant key: the request is signed with a key that is not the pair of the certificate.
  const other = nextTestKeyPair().privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  trackSecret('explain other key', other.trim());
  files.otherKey = path.join(dir, 'other_key.pem');
  writeFileSync(files.otherKey, other, { mode: 0o600 });
  const call = (extra: string[], env: Record<string, string>) =>
    runCli(['--config', init.rcPath, '--base-url', sb.url, ...extra, 'query', 'EXPLAIN0001'], { cwd: dir, env });

  const json = await call(['--json'], { WXPAY_PRIVATE_KEY_PATH: files.otherKey });
  expect(json.error()).toMatchObject({ code: 'WECHATPAY_ERROR', wechatpay: { status: 401, code: 'SIGN_ERROR' } });
  files.jsonDoc = path.join(dir, 'err.json');
  writeFileSync(files.jsonDoc, json.stderr);
  const body = json.error().wechatpay as {
    code: string;
    message: string;
    detail: { sign_information: { truncated_sign_message: string } };
  };
  files.raw = path.join(dir, 'raw.json');
  writeFileSync(files.raw, JSON.stringify({ code: body.code, message: body.message, detail: body.detail }));
  const [, , timestamp, nonce] = body.detail.sign_information.truncated_sign_message.split('\n');
  server.raw = server.jsonDoc = { timestamp: timestamp!, nonce: nonce! };

  const verbose = await call(['--verbose'], { WXPAY_PRIVATE_KEY_PATH: files.otherKey });
  expect(verbose.stderr).toContain('< 401');
  files.verbose = path.join(dir, 'verbose.txt');
  writeFileSync(files.verbose, verbose.stderr);
  const sent = /timestamp="(\d+)",serial_no/.exec(verbose.stderr)![1]!;
  server.verbose = { timestamp: sent, nonce: /nonce_str="(\w+)"/.exec(verbose.stderr)![1]! };

  const serial = await call(['--json'], { WXPAY_SERIAL_NO: WRONG_SERIAL });
  expect(serial.error()).toMatchObject({ wechatpay: { code: 'SIGN_ERROR', detail: { field: 'serial_no' } } });
  files.serial = path.join(dir, 'serial-err.json');
  writeFileSync(files.serial, serial.stderr);
});

afterAll(async () => {
  await sb?.close();
  removeTemp(dir);
});

const explain = (file: string, ...extra: string[]) =>
  runCli(['--config', init.rcPath, 'sign', 'GET', QUERY, '--explain', file, ...extra], { cwd: dir });

describe('sign --explain takes what users have', () => {
  it.each([
    ['the raw WeChat Pay body', 'raw'],
    ["wxpay's own --json error document", 'jsonDoc'],
    ['a --verbose capture', 'verbose'],
  ])('%s: timestamp and nonce from sign_information, the wrong key diagnosed', async (_what, key) => {
    const r = await explain(files[key]!);
    expect(r.stderr).not.toContain('✖'); // stderr may carry the signature-validity note
    expect(r.code).toBe(0);
    const { timestamp, nonce } = server[key]!;
    expect(r.stdout).toContain(`timestamp ${timestamp} and nonce ${nonce} are the server's (from sign_information)`);
    expect(r.stdout).toContain(`${timestamp}↵\n${nonce}↵`);
    expect(r.stdout).not.toMatch(/timestamp differs/i);
    expect(r.stdout).toContain('the signature was made with the wrong key');
  });

  it('--timestamp/--nonce given: those are used, and the difference is reported', async () => {
    const r = await explain(files.raw!, '--timestamp', '1700000000', '--nonce', 'N1');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("are the server's");
    expect(r.stdout).toMatch(/The timestamp differs/);
  });

  it('--json says where the timestamp and nonce came from', async () => {
    const r = await explain(files.jsonDoc!, '--json');
    expect(r.code).toBe(0);
    expect(r.json().explain).toMatchObject({
      matches: true,
      timestampFrom: 'sign_information',
      nonceFrom: 'sign_information',
    });
  });

  it('a serial_no SIGN_ERROR is diagnosed: the serial sent, the certificate serial, the config check to run', async () => {
    const r = await explain(files.serial!);
    expect(r.stderr).not.toContain('✖'); // stderr may carry the signature-validity note
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`The request carried serial_no ${WRONG_SERIAL}`);
    expect(r.stdout).toContain(`the merchant certificate (merchantCertPath) has serial ${init.serialNo}`);
    expect(r.stdout).toContain(`wxpay --config ${init.rcPath} config check`);
    const j = await explain(files.serial!, '--json');
    expect(j.json().explain).toMatchObject({
      field: 'serial_no',
      requestSerial: WRONG_SERIAL,
      certificateSerial: init.serialNo,
    });
  });
});
