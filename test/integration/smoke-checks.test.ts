// The JUnit writer (exact output, escaping) and smoke's clock check thresholds with an injected clock against
// an in-process sandbox (Date header), plus the public-key-mode certificates check.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificatesCheck, clockCheck } from '../../src/diagnostics/smoke-checks.js';
import { loadConfig } from '../../src/config/config.js';
import { junitXml, xmlEscape } from '../../src/diagnostics/junit.js';
import { parseCertificate } from '../../src/protocol/keys.js';
import type { SandboxInitResult } from '../../src/sandbox/keyset.js';
import { initTestSandbox } from '../helpers/sandbox.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/server.js';
import { trackSecretFile } from '../helpers/secrets.js';

describe('junitXml', () => {
  it('writes one suite, failures with type and hint, warnings as WARN system-out', () => {
    const xml = junitXml({
      name: 'wxpay smoke',
      timestamp: '2026-01-01T00:00:00.000Z',
      properties: { profile: 'prod' },
      cases: [
        { name: 'config', status: 'pass', message: 'ok', ms: 5 },
        { name: 'clock skew', status: 'warn', message: '90 s ahead', hint: 'Sync with NTP.', ms: 12 },
        {
          name: 'signed request',
          status: 'fail',
          message: 'HTTP 401 SIGN_ERROR: "bad" <sig>',
          type: 'WECHATPAY_ERROR',
          hint: 'Check A & B.',
          output: ['x'],
          ms: 1000,
        },
      ],
    });
    expect(xml).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="wxpay smoke" tests="3" failures="1" errors="0" skipped="0" time="1.017">',
        '  <testsuite name="wxpay smoke" tests="3" failures="1" errors="0" skipped="0" time="1.017" timestamp="2026-01-01T00:00:00.000Z">',
        '    <properties>',
        '      <property name="profile" value="prod"/>',
        '    </properties>',
        '    <testcase name="config" classname="wxpay smoke" time="0.005">',
        '      <system-out>ok</system-out>',
        '    </testcase>',
        '    <testcase name="clock skew" classname="wxpay smoke" time="0.012">',
        '      <system-out>WARN: 90 s ahead (Sync with NTP.)</system-out>',
        '    </testcase>',
        '    <testcase name="signed request" classname="wxpay smoke" time="1.000">',
        '      <failure message="HTTP 401 SIGN_ERROR: &quot;bad&quot; &lt;sig&gt;" type="WECHATPAY_ERROR">Check A &amp; B.</failure>',
        '      <system-out>x</system-out>',
        '    </testcase>',
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    );
  });

  it('replaces characters XML 1.0 cannot carry (regression: a raw control byte makes CI parsers reject the file)', () => {
    expect(xmlEscape("a\u0000b\u001bc\td\n'")).toBe('a\uFFFDb\uFFFDc\td\n&apos;');
    expect(xmlEscape('\uD800x 😀')).toBe('\uFFFDx 😀');
  });
});

describe('smoke checks', () => {
  let init: SandboxInitResult;
  let sb: SandboxHandle;
  beforeAll(async () => {
    init = await initTestSandbox({ dir: mkdtempSync(path.join(os.tmpdir(), 'wxpay-smoke-unit-')), mode: 'pubkey' });
    trackSecretFile('smoke-unit merchant key', init.privateKeyPath);
    trackSecretFile('smoke-unit APIv3 key', init.apiV3KeyPath);
    sb = await startSandbox({ dir: init.dir, port: 0 });
  });
  afterAll(() => sb.close());

  it('clock: pass within a minute, warn from 60 s, fail from 300 s, either direction', async () => {
    const at = (offsetS: number) => () => Date.now() + offsetS * 1000;
    expect(await clockCheck(sb.url, at(0), 5000)).toMatchObject({ status: 'pass' });
    expect(await clockCheck(sb.url, at(-90), 5000)).toMatchObject({
      status: 'warn',
      message: expect.stringMatching(/^the server clock is (89|90|91) s ahead of this machine$/),
    });
    expect(await clockCheck(sb.url, at(400), 5000)).toMatchObject({
      status: 'fail',
      code: 'VERIFY_TIMESTAMP',
      message: expect.stringMatching(/(399|400|401) s behind this machine \(limit 300 s\)/),
    });
  });

  it('certificates in public-key mode: the key is present and does not expire; no key at all fails', async () => {
    const profile = await loadConfig({ cwd: init.dir, env: {}, configFile: init.rcPath });
    expect(await certificatesCheck(profile, undefined, Date.now())).toMatchObject({
      status: 'pass',
      message: expect.stringContaining(`${init.publicKeyId} (public keys do not expire)`),
    });
    const bare = { ...profile, publicKeyId: undefined, publicKeyPath: undefined, platformCertDir: undefined };
    expect(await certificatesCheck(bare, undefined, Date.now())).toMatchObject({
      status: 'fail',
      code: 'CONFIG_INVALID',
    });
    // 20 days before the merchant certificate expires: a warning, not a failure.
    const notAfter = parseCertificate(readFileSync(init.merchantCertPath)).validTo.getTime();
    expect(await certificatesCheck(profile, undefined, notAfter - 20 * 86_400_000)).toMatchObject({
      status: 'warn',
      message: expect.stringContaining('(20 days left)'),
    });
  });
});
