import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SandboxInitResult } from '../../src/sandbox/keyset.js';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { binPath } from '../helpers/paths.js';
import { initTestSandbox } from '../helpers/sandbox.js';
import { trackSecretFile } from '../helpers/secrets.js';

describe('wxpay config init', () => {
  let keys: SandboxInitResult;
  let work: string;
  beforeAll(async () => {
    keys = await initTestSandbox({ dir: mkdtempSync(path.join(os.tmpdir(), 'wxpay-init-keys-')), mode: 'pubkey' });
    trackSecretFile('config-init merchant key', keys.privateKeyPath);
    trackSecretFile('config-init APIv3 key', keys.apiV3KeyPath);
    work = mkdtempSync(path.join(os.tmpdir(), 'wxpay-init-work-'));
  });

  it('writes paths and references only, derives the serial, and passes config check', async () => {
    const res = await runCli(
      [
        'config',
        'init',
        '--json',
        '--mchid',
        keys.mchid,
        '--private-key',
        keys.privateKeyPath,
        '--cert',
        keys.merchantCertPath,
        '--public-key-id',
        keys.publicKeyId,
        '--public-key',
        keys.publicKeyPath,
        '--apiv3-key-file',
        keys.apiV3KeyPath,
        '--name',
        'live',
      ],
      { cwd: work },
    );
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.json()).toMatchObject({ profile: 'live', serialNo: keys.serialNo, ok: true });
    const rc = JSON.parse(readFileSync(path.join(work, '.wxpayrc.json'), 'utf8'));
    expect(rc.defaultProfile).toBe('live');
    expect(rc.profiles.live).toMatchObject({
      mchid: keys.mchid,
      serialNo: keys.serialNo,
      publicKeyId: keys.publicKeyId,
    });
    expect(rc.profiles.live.apiV3Key).toMatch(/^file:/);
    const apiKey = readFileSync(keys.apiV3KeyPath, 'utf8').trim();
    expect(readFileSync(path.join(work, '.wxpayrc.json'), 'utf8')).not.toContain(apiKey);
    // The written file is what later commands find.
    const check = await runCli(['config', 'check', '--json'], { cwd: work });
    expect(check.code).toBe(0);
  });

  it('refuses to replace a profile without --force, and needs its flags without a TTY', async () => {
    const again = await runCli(
      [
        'config',
        'init',
        '--json',
        '--mchid',
        keys.mchid,
        '--private-key',
        keys.privateKeyPath,
        '--cert',
        keys.merchantCertPath,
        '--name',
        'live',
      ],
      { cwd: work },
    );
    expect(again.code).toBe(2);
    expect(again.error()).toMatchObject({ code: 'USAGE', hint: expect.stringContaining('--force') });
    const missing = await runCli(['config', 'init', '--json', '--mchid', '1'], { cwd: work });
    expect(missing.code).toBe(2);
    expect(missing.error().message).toContain('--private-key');
  });

  it('still writes the file but exits 3 when a check fails (mchid is not the certificate CN)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wxpay-init-bad-'));
    writeFileSync(path.join(dir, 'placeholder'), '');
    const res = await runCli(
      [
        'config',
        'init',
        '--json',
        '--mchid',
        '1999999999',
        '--private-key',
        keys.privateKeyPath,
        '--cert',
        keys.merchantCertPath,
        '--public-key-id',
        keys.publicKeyId,
        '--public-key',
        keys.publicKeyPath,
        '--apiv3-key-file',
        keys.apiV3KeyPath,
      ],
      { cwd: dir },
    );
    expect(res.code).toBe(3);
    expect(res.json().checks).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'mchid', status: 'fail' })]),
    );
    expect(JSON.parse(readFileSync(path.join(dir, '.wxpayrc.json'), 'utf8')).profiles.default.mchid).toBe('1999999999');
  });

  it('rc-init-umask: under umask 002 the rc is still 0600, so the search accepts it (issue 12: rc files pass the new checks)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wxpay-init-umask-'));
    const args = [
      'config',
      'init',
      '--json',
      '--mchid',
      keys.mchid,
      '--private-key',
      keys.privateKeyPath,
      '--cert',
      keys.merchantCertPath,
      '--public-key-id',
      keys.publicKeyId,
      '--public-key',
      keys.publicKeyPath,
      '--apiv3-key-file',
      keys.apiV3KeyPath,
    ];
    const res = spawnSync('sh', ['-c', 'umask 002; exec "$0" "$@"', process.execPath, binPath, ...args], {
      cwd: dir,
      env: cleanEnv(),
      encoding: 'utf8',
    });
    expect(res.status).toBe(0);
    expect(statSync(path.join(dir, '.wxpayrc.json')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(res.stdout).checks[0]).toMatchObject({ name: 'rc file', status: 'pass' });
    const show = await runCli(['config', 'show', '--json'], { cwd: dir });
    expect(show.json().configPath).toBe(path.join(dir, '.wxpayrc.json'));
  });

  it('in a folder others can write: the file is written, and the rc file check fails with the chmod fix', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wxpay-init-shared-'));
    chmodSync(dir, 0o777);
    const res = await runCli(
      [
        'config',
        'init',
        '--json',
        '--mchid',
        keys.mchid,
        '--private-key',
        keys.privateKeyPath,
        '--cert',
        keys.merchantCertPath,
        '--public-key-id',
        keys.publicKeyId,
        '--public-key',
        keys.publicKeyPath,
        '--apiv3-key-file',
        keys.apiV3KeyPath,
      ],
      { cwd: dir },
    );
    expect(res.code).toBe(3);
    expect(res.json().checks[0]).toMatchObject({
      name: 'rc file',
      status: 'fail',
      message: expect.stringContaining(`${dir} is writable by group or others (mode 0777)`),
      hint: expect.stringContaining(`chmod go-w ${dir}`),
    });
  });
});
