// `wxpay config init` on a real pseudo-terminal (util-linux `script`): it prompts for what no flag gave, one
// question at a time, and writes the profile from the answers. Answers are sent when their prompt appears, so
// the test does not depend on timing. Skipped where `script` is missing.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { initTestSandbox } from '../helpers/sandbox.js';
import { cleanEnv } from '../helpers/cli.js';
import { binPath } from '../helpers/paths.js';
import { recordOutput } from '../helpers/secrets-scan.js';
import { trackSecretFile } from '../helpers/secrets.js';

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

describe('wxpay config init on a TTY', () => {
  it.skipIf(!hasScript)('asks each question not given as a flag and writes the profile from the answers', async () => {
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'wxpay-init-tty-'));
    const keys = await initTestSandbox({ dir: path.join(cwd, 'k'), mode: 'pubkey' });
    trackSecretFile('init-tty merchant key', keys.privateKeyPath);
    trackSecretFile('init-tty APIv3 key', keys.apiV3KeyPath);
    const script: Array<[RegExp, string]> = [
      [/Merchant ID \(mchid\): /, keys.mchid],
      [/AppID \(optional\): /, ''],
      [/Path to apiclient_key\.pem: /, 'k/merchant/apiclient_key.pem'],
      [/Path to apiclient_cert\.pem: /, 'k/merchant/apiclient_cert.pem'],
      [/public key ID, PUB_KEY_ID_…[^:]*: /, keys.publicKeyId],
      [/Path to pub_key\.pem[^:]*: /, 'k/wechatpay/pub_key.pem'],
      [/Path to a file holding the APIv3 key[^:]*: /, 'k/apiv3.key'],
    ];
    const child = spawn('script', ['-qec', `"${process.execPath}" "${binPath}" config init --name tty`, '/dev/null'], {
      cwd,
      env: cleanEnv(),
    });
    let screen = '';
    let next = 0;
    let from = 0;
    child.stdout.on('data', (d: Buffer) => {
      screen += d.toString();
      const step = script[next];
      if (step && step[0].test(screen.slice(from))) {
        from = screen.length;
        next += 1;
        child.stdin.write(`${step[1]}\r`);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    recordOutput(inject('artifactsDir'), 'wxpay config init (pseudo-TTY)', screen);
    expect(next, screen).toBe(script.length);
    expect(code, screen).toBe(0);
    expect(screen).toMatch(/wrote .*\.wxpayrc\.json \(profile "tty", serial [0-9A-F]+ from the certificate\)/);
    const rc = JSON.parse(readFileSync(path.join(cwd, '.wxpayrc.json'), 'utf8'));
    expect(rc.profiles.tty).toEqual({
      mchid: keys.mchid,
      serialNo: keys.serialNo,
      privateKeyPath: './k/merchant/apiclient_key.pem',
      merchantCertPath: './k/merchant/apiclient_cert.pem',
      apiV3Key: 'file:./k/apiv3.key',
      publicKeyId: keys.publicKeyId,
      publicKeyPath: './k/wechatpay/pub_key.pem',
    });
  });
});
