// docs/protocol.md §2 and §5: GET download_url (/v3/billdownload/file) as a stream. The request is signed like any
// other (through the client's own prepare()), but the response carries no Wechatpay-* signature: its bytes
// are checked against the apply call's SHA1 instead (bill-stream.ts). That exemption holds for this one
// path only; anything else is refused, so an unsigned response can never slip through here.
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { request as undiciRequest } from './undici-lean.js';
import { createDispatcher } from './proxy.js';
import { WxpayError } from '../protocol/errors.js';
import { normalizeHeaders } from '../protocol/headers.js';
import { readBoundedAnswer } from './answer.js';
import { networkError, wechatpayError } from './error.js';
import type { WxpayClient } from './client.js';
import { ENDPOINTS } from '../protocol/endpoints.js';

const BILL_DOWNLOAD_PATH = ENDPOINTS.billDownload;

export interface StreamedResponse {
  status: number;
  headers: Record<string, string>;
  requestId: string | undefined;
  body: Readable;
}

export interface DownloadOptions {
  dispatcher?: Dispatcher;
  /** Longest wait for the headers, then for each chunk (an idle timeout, not a total one). */
  timeoutMs?: number;
  /** Aborting it (e.g. on SIGINT) stops the transfer; the body then errors. */
  signal?: AbortSignal;
  /** The one unsigned path this download may take: the bill file's by default; a transfer receipt passes its own. */
  exemptPath?: string;
}

/** Splits download_url into the origin to connect to and the path+query to sign. */
export function downloadTarget(
  downloadUrl: string,
  baseUrl: string,
  exemptPath: string = BILL_DOWNLOAD_PATH,
): { origin: string; target: string } {
  let url: URL;
  try {
    url = new URL(downloadUrl, baseUrl);
  } catch (cause) {
    throw new WxpayError('WECHATPAY_ERROR', `The bill download_url is not a URL: ${downloadUrl}`, {
      cause,
      hint: 'Apply for the bill again; report this if it repeats.',
    });
  }
  if (url.pathname !== exemptPath) {
    throw new WxpayError(
      'VERIFY_UNSIGNED',
      `Refusing an unsigned download from ${url.pathname}: only ${exemptPath} is exempt from response signatures`,
      {
        hint:
          exemptPath === BILL_DOWNLOAD_PATH
            ? 'download_url must come from the bill apply call (GET /v3/bill/tradebill or /v3/bill/fundflowbill).'
            : 'download_url must come from the receipt query (GET …/elecsign/out-bill-no/{out_bill_no}).',
      },
    );
  }
  return { origin: url.origin, target: `${url.pathname}${url.search}` };
}

export async function downloadBillStream(
  client: WxpayClient,
  downloadUrl: string,
  opts: DownloadOptions = {},
): Promise<StreamedResponse> {
  const { origin, target } = downloadTarget(downloadUrl, client.baseUrl, opts.exemptPath);
  const prepared = client.prepare({ method: 'GET', path: target, verify: 'none-bill-download' });
  const url = `${origin}${target}`;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const owned = opts.dispatcher
    ? undefined
    : createDispatcher({ timeoutMs, ...(client.proxy ? { proxy: client.proxy } : {}) });
  const close = () => void owned?.close().catch(() => undefined);
  let res: Dispatcher.ResponseData;
  try {
    res = await undiciRequest(url, {
      method: 'GET',
      headers: prepared.headers,
      dispatcher: opts.dispatcher ?? owned!,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (err) {
    close();
    throw networkError(err, url, 1);
  }
  const headers = normalizeHeaders(res.headers);
  const requestId = headers['request-id'];
  if (res.statusCode < 200 || res.statusCode >= 300) {
    // The error body is bounded (64 KiB) like every other; only a 2xx bill streams.
    const raw = await readBoundedAnswer(res.body, { url, status: res.statusCode })
      .catch((e: unknown) => {
        if (e instanceof WxpayError) throw e; // RESPONSE_TOO_LARGE
        return Buffer.alloc(0); // cut off mid-body: the status still says what happened
      })
      .finally(close);
    throw wechatpayError(res.statusCode, raw, requestId);
  }
  res.body.once('close', close);
  return { status: res.statusCode, headers, requestId, body: res.body };
}
