// `webhook serve --profiles` start-up checks through the CLI: a serial two profiles share exits 3 naming both
// profiles (and no key), before anything is written beside the journal; --profiles with --profile is a usage error.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';
import { nextTestKeyPair } from '../helpers/test-keys.js';

const dir = tempDir('wxpay-merchants-cli-');
const PUB_ID = 'PUB_KEY_ID_0000000000000024101100397200000031';
const pub = nextTestKeyPair().publicKey.export({ type: 'spki', format: 'pem' }).toString();
writeFileSync(path.join(dir, 'pub.pem'), pub, { mode: 0o600 });
writeFileSync(path.join(dir, 'apiv3.key'), 'Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4', { mode: 0o600 });
const profile = (mchid: string) => ({
  mchid,
  publicKeyId: PUB_ID,
  publicKeyPath: './pub.pem',
  apiV3Key: 'file:./apiv3.key',
});
writeFileSync(
  path.join(dir, '.wxpayrc.json'),
  JSON.stringify({ profiles: { shop: profile('1900000001'), franchise: profile('1900000002') } }),
  { mode: 0o600 },
);
const run = (...args: string[]) =>
  runCli(['--json', 'webhook', 'serve', '--port', '0', ...args], { cwd: dir, env: cleanEnv() });

describe('webhook serve --profiles start-up', () => {
  it('shared-serial-cli: one public key id in two profiles exits 3 naming both, writes nothing', async () => {
    const r = await run('--all-profiles', '--forward-to', 'http://127.0.0.1:9/hook');
    expect(r.code).toBe(3);
    expect(r.error()).toMatchObject({
      code: 'CONFIG_SHARED_SERIAL',
      message: `The serial ${PUB_ID} is loaded for two profiles`,
      hint: expect.stringContaining('Profiles "shop" and "franchise" both verify'),
    });
    expect(r.stderr).not.toContain('BEGIN');
    expect(existsSync(path.join(dir, 'wxpay-webhooks.ndjson.forward-secret'))).toBe(false);
    expect(existsSync(path.join(dir, 'wxpay-webhooks.ndjson'))).toBe(false);
  });

  it('--profiles with --profile, or an empty name, is a usage error', async () => {
    expect((await run('--profiles', 'shop,franchise', '--profile', 'shop')).error()).toMatchObject({
      code: 'USAGE',
      exitCode: 2,
    });
    expect((await run('--profiles', 'shop,,franchise')).error()).toMatchObject({ code: 'USAGE', exitCode: 2 });
    expect((await run('--profiles', 'shop,ghost')).error()).toMatchObject({ code: 'CONFIG_INVALID', exitCode: 3 });
  });
});

describe('webhook serve store settings', () => {
  // Review of 1326704: without --store these were ignored without a word; 0 and non-digits are refused before any
  // connection is tried (the store URL here points at a closed port: reaching it would be a different error).
  it.each([
    [['--profile', 'shop', '--lease', '5'], '--lease needs --store'],
    [['--profile', 'shop', '--instance', 'a'], '--instance needs --store'],
    [['--profile', 'shop', '--store-connections', '4'], '--store-connections needs --store'],
    [
      ['--profile', 'shop', '--store', 'postgres://wxpay@127.0.0.1:9/db', '--store-connections', '0'],
      '--store-connections must be at least 1',
    ],
    [
      ['--profile', 'shop', '--store', 'postgres://wxpay@127.0.0.1:9/db', '--store-connections', 'abc'],
      '--store-connections must be a whole number, got "abc"',
    ],
  ])('%j: %s (exit 2)', async (args, message) => {
    const r = await run(...args);
    expect(r.code).toBe(2);
    expect(r.error()).toMatchObject({ code: 'USAGE', message });
    expect(existsSync(path.join(dir, 'wxpay-webhooks.ndjson'))).toBe(false);
  });
});
