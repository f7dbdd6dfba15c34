// Regression tests for bugs found in the foundation review (issue 2, item 7), each named after its bug.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalUrl } from '../../src/protocol/canonical.js';
import { loadConfig } from '../../src/config/config.js';
import { removeTemp } from '../helpers/scan-written-files.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'wxpay-regressions-'));
afterAll(() => removeTemp(dir));

describe('foundation regressions', () => {
  // An absolute URL with a query but no path gave "?a=1"; the request-target on the wire is "/?a=1".
  it('canonical-url-host-then-query: https://host?a=1 signs as /?a=1', () => {
    expect(canonicalUrl('https://api.mch.weixin.qq.com?a=1')).toBe('/?a=1');
    expect(canonicalUrl('http://127.0.0.1:8931?x=%3D#frag')).toBe('/?x=%3D');
  });

  // `export WXPAY_PROFILE=` selected a profile named "" silently, so the rc file's values were all ignored.
  it('config-empty-wxpay-profile: an empty WXPAY_PROFILE means unset', async () => {
    writeFileSync(
      path.join(dir, '.wxpayrc.json'),
      JSON.stringify({ defaultProfile: 'prod', profiles: { prod: { mchid: '1900007291' } } }),
    );
    const p = await loadConfig({ cwd: dir, env: { WXPAY_PROFILE: '' } });
    expect(p).toMatchObject({ name: 'prod', mchid: '1900007291' });
  });
});
