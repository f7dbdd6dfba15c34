// The sandbox dashboard from a test's side: open the token link `sandbox serve` prints (keeping the cookie it sets),
// then fetch pages and post forms as a same-origin browser would. Every page fetched is recorded for the suite's
// secrets scan.
import { inject } from 'vitest';
import type { SandboxHandle } from '../../src/sandbox/server.js';
import { rawRequest, type RawResponse } from './sandbox.js';
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
