// The suite-wide secrets scan (test/helpers/secrets-scan.ts) must catch what it is for: a planted APIv3 key
// and any single planted line of a private-key PEM, in any output file; and it must stay quiet on clean output.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { merchantKeySet } from '../helpers/fixtures.js';
import { needlesOf, recordOutput, registerSecret, scanArtifacts } from '../helpers/secrets-scan.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
/** A fresh artifacts folder, separate from the suite's own, so planted leaks never fail the real scan. */
function artifacts(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'wxpay-scan-test-'));
  dirs.push(d);
  return d;
}

const APIV3 = 'PlantedApiV3Key0123456789abcdefX';
const pem = merchantKeySet().privateKeyPem;
const pemLines = pem.split('\n').filter((l) => l && !l.startsWith('-----'));

describe('secrets scan', () => {
  it('is quiet on clean output', () => {
    const d = artifacts();
    registerSecret(d, 'apiv3', APIV3);
    registerSecret(d, 'key', pem);
    recordOutput(d, 'wxpay config show', 'apiV3Key  (redacted; from env WXPAY_APIV3_KEY)\n');
    expect(scanArtifacts(d)).toEqual([]);
  });

  it('catches a planted APIv3 key', () => {
    const d = artifacts();
    registerSecret(d, 'apiv3', APIV3);
    recordOutput(d, 'clean', 'nothing here');
    recordOutput(d, 'wxpay leaky', `{"error":{"message":"bad key ${APIV3}"}}`);
    const leaks = scanArtifacts(d);
    expect(leaks).toHaveLength(1);
    expect(leaks[0]).toMatchObject({ secretLabel: 'apiv3', file: expect.stringContaining('wxpay_leaky') });
  });

  it('catches a whole planted PEM, and a PEM re-wrapped or JSON-escaped', () => {
    const d = artifacts();
    registerSecret(d, 'merchant key', pem);
    recordOutput(d, 'whole', pem);
    recordOutput(d, 'json', JSON.stringify({ key: pem }));
    recordOutput(d, 'rewrapped', pemLines.join('').replace(/(.{76})/g, '$1\r\n'));
    expect(scanArtifacts(d).map((l) => l.secretLabel)).toEqual(['merchant key', 'merchant key', 'merchant key']);
  });

  // Regression: needles were 40-character slices at multiples of 40 of the joined base64, so a 64-character
  // PEM line that contains no such whole slice (the 3rd line, for example) went unnoticed.
  it('secrets-scan-single-pem-line: catches ANY single planted PEM line', () => {
    const d = artifacts();
    registerSecret(d, 'merchant key', pem);
    pemLines.slice(0, -1).forEach((line, i) => recordOutput(d, `line-${i}`, `debug: ${line}\n`));
    expect(scanArtifacts(d)).toHaveLength(pemLines.length - 1);
  });

  it('short strings are not needles (no false alarms on 7-character "secrets")', () => {
    expect(needlesOf('abc1234')).toEqual([]);
    expect(needlesOf(APIV3)).toEqual([APIV3]);
  });
});
