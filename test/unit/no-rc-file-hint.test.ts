// Regression (no-rc-file-hint): a newcomer's first `wxpay query X` outside the sandbox, with no rc file anywhere,
// said `"mchid" is not set … Set it in an rc file (.wxpayrc.json) or with WXPAY_MCHID`, naming neither the
// command that writes one nor the way to try wxpay without a merchant account.
import { describe, expect, it } from 'vitest';
import { requireField } from '../../src/config/credentials.js';
import type { ResolvedProfile } from '../../src/config/config.js';

const profile = (configPath: string | undefined): ResolvedProfile => ({
  name: 'default',
  configPath,
  configExplicit: false,
  baseUrl: 'https://api.mch.weixin.qq.com',
  sources: {},
  profileNames: [],
});

function hintOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as { hint: string }).hint;
  }
  throw new Error('nothing thrown');
}

describe('a field missing from the profile', () => {
  it('with no rc file at all, the hint names `wxpay config init` and the sandbox', () => {
    const hint = hintOf(() => requireField(profile(undefined), 'mchid', 'WXPAY_MCHID'));
    expect(hint).toBe(
      'No rc file was found: write one with `wxpay config init` (or set WXPAY_MCHID); to try wxpay without a merchant account, run `wxpay demo` or `wxpay sandbox init`.',
    );
  });

  it('with an rc file, the hint names that file and the variable', () => {
    const hint = hintOf(() => requireField(profile('/p/.wxpayrc.json'), 'mchid', 'WXPAY_MCHID'));
    expect(hint).toBe(
      'Set it in /p/.wxpayrc.json or with WXPAY_MCHID. Run `wxpay config show` to see what was resolved.',
    );
  });
});
