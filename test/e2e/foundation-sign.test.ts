// `wxpay sign` and `wxpay paysign` through the real CLI (issue 2 §5, §6): the official vectors, human and
// --json output, --body-file -, absolute URLs, --explain, usage errors (exit 2) and JSON errors on stderr.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { requestMessage } from '../../src/protocol/canonical.js';
import { needlesOf } from '../helpers/secrets-scan.js';
import { runCli } from '../helpers/cli.js';
import { REAL_SIGN_ERROR, signErrorFor, tempDir } from '../helpers/fixtures.js';
import { trackSecretFile } from '../helpers/secrets.js';
import { readVectorFile, vector, vectorFile } from '../helpers/vectors.js';

const cwd = tempDir('wxpay-e2e-sign-');
const SERIAL = '408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB';

describe('wxpay sign / paysign reproduce the vectors', () => {
  const post = vector('request-sign-post-jsapi');
  const keyFile = vectorFile(post.privateKey as string);
  trackSecretFile('official doc merchant key', keyFile);
  const env = { WXPAY_MCHID: '1900007291', WXPAY_SERIAL_NO: SERIAL, WXPAY_PRIVATE_KEY_PATH: keyFile };
  const at = ['--timestamp', post.timestamp as string, '--nonce', post.nonce as string];
  const sign = (args: string[], input?: string) =>
    runCli(['sign', ...args], { cwd, env, ...(input !== undefined ? { input } : {}) });

  it('POST with --body: --json has the exact signature and Authorization', async () => {
    const r = await sign(['POST', post.url as string, '--body', post.body as string, ...at, '--json']);
    expect(r.code).toBe(0);
    const j = r.json();
    expect(Object.keys(j)).toEqual(['method', 'url', 'timestamp', 'nonce', 'message', 'signature', 'authorization']);
    expect(j).toMatchObject({
      method: 'POST',
      url: post.url,
      timestamp: post.timestamp,
      nonce: post.nonce,
      signature: post.expectedSignature,
      authorization: post.expectedAuthorization,
    });
    expect(j.message).toBe(`POST\n${post.url}\n${post.timestamp}\n${post.nonce}\n${post.body}\n`);
  });

  it('human output: every line end visible, the signature and the Authorization header', async () => {
    const r = await sign(['POST', post.url as string, '--body', post.body as string, ...at]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`POST↵\n${post.url}↵\n${post.timestamp}↵\n${post.nonce}↵\n${post.body}↵\n`);
    expect(r.stdout).toContain(post.expectedSignature as string);
    expect(r.stdout).toContain(post.expectedAuthorization as string);
  });

  it('--body-file - reads the body from stdin, byte for byte', async () => {
    const r = await sign(['POST', post.url as string, '--body-file', '-', ...at, '--json'], post.body as string);
    expect(r.json().signature).toBe(post.expectedSignature);
  });

  it('--body-file <path> relative to cwd', async () => {
    writeFileSync(path.join(cwd, 'order.json'), post.body as string);
    expect(
      (await sign(['POST', post.url as string, '--body-file', 'order.json', ...at, '--json'])).json().signature,
    ).toBe(post.expectedSignature);
  });

  it('GET with an empty body, human output shows NONCE↵ then an empty line', async () => {
    const v = vector('request-sign-get-empty-body');
    const r = await sign(['GET', v.url as string, '--timestamp', v.timestamp as string, '--nonce', v.nonce as string]);
    expect(r.stdout).toContain(`${v.nonce}↵\n↵\n`);
    expect(r.stdout).toContain(v.expectedSignature as string);
  });

  it('an absolute URL signs path plus query verbatim (the %3D vector)', async () => {
    const v = vector('request-sign-get-query-verbatim');
    const r = await sign([
      'GET',
      `https://api.mch.weixin.qq.com${v.url as string}`,
      '--timestamp',
      v.timestamp as string,
      '--nonce',
      v.nonce as string,
      '--json',
    ]);
    expect(r.json()).toMatchObject({ url: v.url, signature: v.expectedSignature });
  });

  it('paysign jsapi and app reproduce the pay-sign vectors', async () => {
    const j = vector('jsapi-pay-sign');
    const prepay = (j.package as string).replace('prepay_id=', '');
    const rj = await runCli(
      [
        'paysign',
        'jsapi',
        '--prepay-id',
        prepay,
        '--appid',
        j.appId as string,
        '--timestamp',
        j.timeStamp as string,
        '--nonce',
        j.nonceStr as string,
        '--json',
      ],
      { cwd, env },
    );
    expect(rj.json()).toEqual({
      appId: j.appId,
      timeStamp: j.timeStamp,
      nonceStr: j.nonceStr,
      package: j.package,
      signType: 'RSA',
      paySign: j.expectedPaySign,
    });
    const a = vector('app-pay-sign');
    const ra = await runCli(
      [
        'paysign',
        'app',
        '--prepay-id',
        a.prepayid as string,
        '--appid',
        a.appid as string,
        '--timestamp',
        a.timestamp as string,
        '--nonce',
        a.noncestr as string,
      ],
      { cwd, env: { ...env, WXPAY_MCHID: a.partnerid as string } },
    );
    expect(ra.code).toBe(0);
    expect(ra.stdout).toMatch(new RegExp(`sign\\s+${(a.expectedSign as string).replace(/[+/]/g, '\\$&')}`));
    expect(ra.stdout).toMatch(/package\s+Sign=WXPay/);
    expect(ra.stdout).toMatch(new RegExp(`partnerid\\s+${a.partnerid as string}`));
  });

  describe('--explain', () => {
    const url = '/v3/pay/transactions/h5';
    const body = post.body as string;
    const explain = async (server: string, args: string[] = []) => {
      const file = path.join(cwd, `sign-error-${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(file, server);
      return sign(['POST', url, '--body', body, ...at, '--explain', file, ...args]);
    };
    const sent = (over: { url?: string; ts?: string; body?: string } = {}) =>
      signErrorFor(
        'POST',
        over.url ?? url,
        requestMessage(
          'POST',
          over.url ?? url,
          over.ts ?? (post.timestamp as string),
          post.nonce as string,
          over.body ?? body,
        ),
      );

    it('an exact match says the key is wrong', async () => {
      const r = await explain(sent());
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('SIGN_ERROR explained');
      expect(r.stdout).toMatch(/matches what the server rebuilt.*wrong key/);
    });

    it('a missing query', async () => {
      const r = await explain(sent({ url: `${url}?mchid=1900007291` }), ['--json']);
      expect(r.json().explain).toMatchObject({
        matches: false,
        line: 'url',
        findings: [expect.stringContaining('query string is missing')],
      });
    });

    it('a missing trailing newline', async () => {
      const r = await explain(sent({ body: `${body}\n` }));
      expect(r.stdout).toMatch(/one byte longer.*newline/);
    });

    it('a re-serialised body', async () => {
      const r = await explain(sent({ body: JSON.stringify(JSON.parse(body), null, 2) }));
      expect(r.stdout).toMatch(/first difference at byte \d+ \(body line\)/);
      expect(r.stdout).toMatch(/re-serialis/);
    });

    it('a timestamp difference', async () => {
      const r = await explain(sent({ ts: '1554208461' }));
      expect(r.stdout).toMatch(/\(timestamp line\)/);
      expect(r.stdout).toContain('timestamp differs');
    });

    it('the real reply from docs/protocol.md §1, read from stdin', async () => {
      const r = await sign(['POST', url, '--body', body, ...at, '--explain', '-', '--json'], REAL_SIGN_ERROR);
      expect(r.code).toBe(0);
      expect(r.json().explain).toMatchObject({ matches: false, lengthServer: 304, line: 'timestamp' });
    });

    it('a body without sign_information is a usage error', async () => {
      const r = await explain('{"code":"SIGN_ERROR","message":"x"}', ['--json']);
      expect(r.code).toBe(2);
      expect(r.error()).toMatchObject({ code: 'USAGE', message: expect.stringContaining('sign_information') });
    });
  });

  it('--verbose output never contains the private key', async () => {
    const r = await sign(['POST', post.url as string, '--body', post.body as string, ...at, '--verbose']);
    for (const needle of needlesOf(readVectorFile(post.privateKey as string)))
      expect(`${r.stdout}${r.stderr}`).not.toContain(needle);
  });
});

describe('usage errors exit 2, as JSON on stderr with --json', () => {
  it.each([
    ['a missing argument', ['sign', 'GET']],
    ['a bad method', ['sign', 'GE T', '/v3/x']],
    ['a millisecond timestamp', ['sign', 'GET', '/v3/x', '--timestamp', '1554208460000']],
    ['--body with --body-file', ['sign', 'POST', '/v3/x', '--body', '{}', '--body-file', 'x.json']],
    ['an unknown paysign kind', ['paysign', 'h5', '--prepay-id', 'wx1']],
    ['a missing --prepay-id', ['paysign', 'jsapi']],
    ['an unknown command', ['sing', 'GET', '/v3/x']],
  ])('%s', async (_, args) => {
    const r = await runCli([...args, '--json'], { cwd, env: { WXPAY_MCHID: '1' } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    // stderr is exactly one JSON document: no commander "error:" line around it.
    expect(() => JSON.parse(r.stderr)).not.toThrow();
    const e = r.error();
    expect(e).toEqual({ code: 'USAGE', message: expect.any(String), hint: expect.any(String), exitCode: 2 });
  });

  it('without --json: exit 2, the message and a hint on stderr, nothing on stdout', async () => {
    const r = await runCli(['sign', 'GET', '/v3/x', '--timestamp', '155420846'], { cwd, env: { WXPAY_MCHID: '1' } });
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toMatch(/USAGE: --timestamp must be 10-digit.*\n\s+hint: Milliseconds/s);
  });

  // Regression: both read stdin, so --explain got an empty document and blamed its JSON.
  it('sign-stdin-twice: --body-file - with --explain - is refused up front', async () => {
    const r = await runCli(['sign', 'POST', '/v3/x', '--body-file', '-', '--explain', '-', '--json'], {
      cwd,
      env: { WXPAY_MCHID: '1' },
      input: '{}',
    });
    expect(r.code).toBe(2);
    expect(r.error().message).toBe('Only one of --body-file and --explain can read stdin');
  });

  it('a config problem exits 3 with a hint naming the variable', async () => {
    const r = await runCli(['sign', 'GET', '/v3/x', '--json'], { cwd, env: { WXPAY_MCHID: '1' } });
    expect(r.code).toBe(3);
    expect(r.error()).toMatchObject({
      code: 'CONFIG_INVALID',
      exitCode: 3,
      hint: expect.stringContaining('WXPAY_PRIVATE_KEY_PATH'),
    });
  });
});
