// How much of an answer the client reads (issue 12, "Bounded answers"). No WeChat Pay API answer comes near 4 MiB,
// and no error body near 64 KiB; anything larger is a wrong host, a proxy or a hostile server, and buffering it
// cost 890 MB of memory for a 400 MB answer (1.7 GB for an error body). So the client stops reading at the cap,
// drops the connection and fails RESPONSE_TOO_LARGE (exit 6: the answer cannot be trusted). Bills are the one
// large answer; they stream to disk (client-stream.ts, bill-stream.ts) and never pass through here.
import type { Dispatcher } from 'undici';
import { WxpayError } from '../protocol/errors.js';
import { normalizeHeaders } from '../protocol/headers.js';

export const MAX_ANSWER_BYTES = 4 * 1024 * 1024;
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** The cap for an answer with this status: a 2xx may carry data, anything else only an error body. */
export const answerCap = (status: number): number =>
  status >= 200 && status < 300 ? MAX_ANSWER_BYTES : MAX_ERROR_BODY_BYTES;

const human = (n: number) => (n >= 1024 * 1024 ? `${n / (1024 * 1024)} MiB` : `${n / 1024} KiB`);

function tooLarge(url: string, status: number, max: number, declared?: number): WxpayError {
  const what = status >= 200 && status < 300 ? 'answer' : `HTTP ${status} error body`;
  return new WxpayError(
    'RESPONSE_TOO_LARGE',
    `The ${what} from ${url} is larger than ${human(max)}${declared !== undefined ? ` (it declares ${declared} bytes)` : ''}; stopped reading`,
    {
      hint: 'No WeChat Pay API answer is this large (bills stream through `wxpay bill`). Check the base URL (--base-url / baseUrl, `wxpay config show` says where it came from): a proxy or a wrong host is answering.',
      details: { url, status, limitBytes: max },
    },
  );
}

interface Body extends AsyncIterable<Buffer | Uint8Array> {
  destroy(err?: Error): unknown;
}

/**
 * Reads `body` into one Buffer, at most `max` bytes. A declared Content-Length over the cap fails before reading;
 * a stream that runs past it fails as soon as it does. Either way the body is destroyed, which closes the connection
 * so the server stops sending; memory never holds more than the cap plus one chunk.
 */
export async function readBoundedAnswer(
  body: Body,
  opts: { url: string; status: number; contentLength?: string; max?: number },
): Promise<Buffer> {
  const max = opts.max ?? answerCap(opts.status);
  const declared =
    opts.contentLength !== undefined && /^\d+$/.test(opts.contentLength) ? Number(opts.contentLength) : undefined;
  if (declared !== undefined && declared > max) {
    body.destroy();
    throw tooLarge(opts.url, opts.status, max, declared);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > max) {
      body.destroy();
      throw tooLarge(opts.url, opts.status, max);
    }
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return Buffer.concat(chunks, size);
}

/** Status, lower-case headers and the bounded body of an undici response. */
export async function readAnswer(
  res: Dispatcher.ResponseData,
  url: string,
): Promise<{ status: number; headers: Record<string, string>; raw: Buffer }> {
  const headers = normalizeHeaders(res.headers);
  const raw = await readBoundedAnswer(res.body, {
    url,
    status: res.statusCode,
    ...(headers['content-length'] !== undefined ? { contentLength: headers['content-length'] } : {}),
  });
  return { status: res.statusCode, headers, raw };
}
