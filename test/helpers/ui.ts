// The sandbox dashboard from a test's side: open the token link `sandbox serve` prints (keeping the cookie it sets),
// then fetch pages and post forms as a same-origin browser would. Every page fetched is recorded for the suite's
// secrets scan.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inject } from 'vitest';
import type { SandboxHandle } from '../../src/sandbox/server.js';
import { rawRequest, uniqueNo, type RawResponse, type TestSandbox } from './sandbox.js';
import { recordOutput } from './secrets-scan.js';

export interface UiSession {
  /** `name=value` of the dashboard cookie. */
  cookie: string;
  get(target: string, headers?: Record<string, string>): Promise<RawResponse>;
  /** A form POST with this sandbox's own Origin. */
  post(target: string, form: Record<string, string>, headers?: Record<string, string>): Promise<RawResponse>;
}

export async function openUi(sb: SandboxHandle): Promise<UiSession> {
  const u = new URL(sb.uiUrl);
  const first = await rawRequest(sb.url, 'GET', `${u.pathname}${u.search}`, {});
  const cookie = setCookieOf(first).split(';')[0]!;
  if (first.status !== 303 || !cookie) throw new Error(`token visit answered ${first.status}, no cookie`);
  const record = (r: RawResponse, what: string) => {
    recordOutput(inject('artifactsDir'), what, r.text);
    return r;
  };
  return {
    cookie,
    get: async (target, headers = {}) =>
      record(await rawRequest(sb.url, 'GET', target, { Cookie: cookie, ...headers }), `GET ${target}`),
    post: async (target, form, headers = {}) =>
      record(
        await rawRequest(
          sb.url,
          'POST',
          target,
          {
            Cookie: cookie,
            Origin: sb.url,
            'Content-Type': 'application/x-www-form-urlencoded',
            ...headers,
          },
          new URLSearchParams(form).toString(),
        ),
        `POST ${target}`,
      ),
  };
}

/** node:http gives Set-Cookie as a list (RawResponse types every header as a string). */
export const setCookieOf = (r: RawResponse): string =>
  ([] as unknown[]).concat(r.headers['set-cookie'] ?? '')[0] as string;

/** A notify_url whose answers the test scripts: each request takes the next status of `answers`, 500 when none are
 *  left (a receiver that keeps failing until told otherwise). */
export async function scriptedReceiver(): Promise<{ url: string; answers: number[]; close(): void }> {
  const answers: number[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(answers.shift() ?? 500).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
  return { url, answers, close: () => server.close() };
}

/** A merchant transfer waiting for the payee (WAIT_USER_CONFIRM), made through the v3 API; its out_bill_no. */
export async function waitingTransfer(t: TestSandbox): Promise<string> {
  const outBillNo = uniqueNo('TB');
  const r = await t.call('POST', '/v3/fund-app/mch-transfer/transfer-bills', {
    appid: t.init.appid,
    out_bill_no: outBillNo,
    transfer_scene_id: '1005',
    openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
    transfer_amount: 300,
    transfer_remark: '佣金',
    transfer_scene_report_infos: [
      { info_type: '岗位类型', info_content: '推广员' },
      { info_type: '报酬说明', info_content: '7月佣金' },
    ],
  });
  if (r.json?.state !== 'WAIT_USER_CONFIRM') throw new Error(`transfer not waiting: ${r.status} ${r.text}`);
  return outBillNo;
}
