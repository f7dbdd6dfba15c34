// .wxpayrc.example must load as it says (renamed to .wxpayrc.yaml, or to .wxpayrc) and document every field.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROFILE_FIELDS, loadConfig } from '../../src/config/config.js';
import { tempDir } from '../helpers/fixtures.js';
import { repoRoot } from '../helpers/paths.js';

const example = path.join(repoRoot, '.wxpayrc.example');
const text = readFileSync(example, 'utf8');
const root = tempDir('wxpay-example-');

describe('.wxpayrc.example', () => {
  it('says in its first line how to use it', () => {
    expect(text.split('\n')[0]).toMatch(/YAML.*\.wxpayrc\.yaml/);
  });

  it('mentions every profile field', () => {
    for (const f of PROFILE_FIELDS) expect(text, f).toMatch(new RegExp(`^\\s*#?\\s*${f}:`, 'm'));
  });

  it.each(['.wxpayrc.yaml', '.wxpayrc'])('copied as %s: both profiles resolve, one per key mode', async (name) => {
    const dir = path.join(root, name);
    mkdirSync(dir);
    copyFileSync(example, path.join(dir, name));
    const cwd = path.join(dir, 'app');
    mkdirSync(cwd);
    const prod = await loadConfig({ cwd, env: {} });
    expect(prod).toMatchObject({
      name: 'prod',
      mchid: '1900007291',
      privateKeyPath: path.join(dir, 'keys', 'apiclient_key.pem'),
      apiV3Key: { kind: 'env', name: 'WXPAY_PROD_APIV3_KEY' },
      publicKeyId: 'PUB_KEY_ID_0000000000000024101100397200000006',
      publicKeyPath: path.join(dir, 'keys', 'pub_key.pem'),
      baseUrl: 'https://api.mch.weixin.qq.com',
    });
    expect(prod.platformCertDir).toBeUndefined();
    const legacy = await loadConfig({ cwd, env: {}, profile: 'legacy' });
    expect(legacy).toMatchObject({
      name: 'legacy',
      serialNo: '5F1C72E2A8931B72A2E13AF8DEE92471EB397115',
      apiV3Key: { kind: 'file', path: path.join(dir, 'legacy', 'apiv3.key') },
      platformCertDir: path.join(dir, 'legacy', 'certs'),
    });
    expect(legacy.publicKeyId).toBeUndefined();
    expect(prod.profileNames).toEqual(['prod', 'legacy']);
  });
});
