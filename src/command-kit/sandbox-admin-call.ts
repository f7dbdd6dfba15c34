// Calls the /sandbox control API of a running sandbox at the profile's baseUrl (used by sandbox pay/refund).
import { request } from '../http/undici-lean.js';
import { WxpayError } from '../protocol/errors.js';
import { OFFICIAL_API_HOSTS } from '../config/trust.js';
import type { CommandContext } from '../runtime.js';
import { loadProfile } from './shared.js';
import { MCHID_HEADER } from '../sandbox/merchant-contexts.js';

/** A value from the sandbox's JSON for a message: a string as it is, anything else as JSON (not [object Object]). */
const shown = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** The sandbox's answer, read whole. */
interface AdminAnswer {
  status: number;
  ok: boolean;
  text: string;
  requestId: string | undefined;
}

export async function adminCall(ctx: CommandContext, path: string, body?: object): Promise<Record<string, unknown>> {
  const profile = await loadProfile(ctx);
  refuseOfficialHost(profile.baseUrl);
  const res = await post(profile, `${profile.baseUrl.replace(/\/+$/, '')}${path}`, body);
  const text = res.text;
  let json: Record<string, unknown> = {};
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    // handled below: a non-JSON answer means this is not a sandbox
  }
  if (!res.ok) throw refused(res, json);
  return json;
}

/** With no sandbox profile the base URL is WeChat Pay's own: say so, rather than POST /sandbox/… to it and time out. */
function refuseOfficialHost(baseUrl: string): void {
  if (!OFFICIAL_API_HOSTS.includes(new URL(baseUrl).hostname)) return;
  throw new WxpayError('CONFIG_INVALID', `The profile points at WeChat Pay (${baseUrl}), not at a wxpay sandbox`, {
    hint: "Use the sandbox's profile: --config .wxpay-sandbox/.wxpayrc.json (or export WXPAY_CONFIG=.wxpay-sandbox/.wxpayrc.json), after `wxpay sandbox init` and `wxpay sandbox serve`.",
  });
}

async function post(
  profile: { baseUrl: string; mchid?: string | undefined },
  url: string,
  body?: object,
): Promise<AdminAnswer> {
  // undici's request, not fetch(): fetch refuses "bad ports" (6000, 9, …) a local sandbox may well use.
  try {
    const r = await request(url, {
      method: 'POST',
      // Always JSON, body or not: the sandbox refuses other admin POSTs (a web page could send those cross-site).
      // A sandbox serving many merchants (`sandbox init --merchants N`) applies the call to this profile's merchant.
      headers: { 'Content-Type': 'application/json', ...(profile.mchid ? { [MCHID_HEADER]: profile.mchid } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(10_000),
    });
    const rid = r.headers['request-id'];
    return {
      status: r.statusCode,
      ok: r.statusCode >= 200 && r.statusCode < 300,
      text: await r.body.text(),
      requestId: Array.isArray(rid) ? rid[0] : rid,
    };
  } catch (cause) {
    throw new WxpayError('NETWORK', `Cannot reach the sandbox at ${profile.baseUrl}`, {
      cause,
      hint: 'Start it with "wxpay sandbox serve", and point the profile at it (wxpay --config .wxpay-sandbox/.wxpayrc.json ...).',
    });
  }
}

/** A non-2xx admin answer as a WECHATPAY_ERROR (exit 5), with the sandbox's code, message and detail. */
function refused(res: AdminAnswer, json: Record<string, unknown>): WxpayError {
  const code = typeof json.code === 'string' ? json.code : `HTTP_${res.status}`;
  return new WxpayError(
    'WECHATPAY_ERROR',
    `The sandbox refused: ${code} ${shown(json.message ?? res.text.slice(0, 200))}`,
    {
      hint: hintFor(res.status),
      wechatpay: {
        status: res.status,
        code,
        message: shown(json.message ?? ''),
        ...(json.detail !== undefined ? { detail: json.detail } : {}),
      },
      ...(res.requestId ? { requestId: res.requestId } : {}),
    },
  );
}

function hintFor(status: number): string {
  if (status === 404) return 'Check the number: the sandbox has no such order or refund (see GET /sandbox/state).';
  // HOST_NOT_ALLOWED: the sandbox answers only its own loopback names (DNS-rebinding protection).
  if (status === 403)
    return "Point the profile's baseUrl at the address the sandbox printed (http://127.0.0.1:<port> or http://localhost:<port>).";
  return 'See GET /sandbox/state for the current trade_state / refund status.';
}
