// docs/protocol.md §14: the media upload body. WeChat Pay's upload endpoints take multipart/form-data with two
// parts, `meta` (a JSON object {"filename","sha256"}) and `file`; the request signature covers the `meta` JSON
// only, never the whole body. Both the client (building) and the sandbox (parsing, checking) use this file. Pure.
import { createHash } from 'node:crypto';
import { WxpayError } from './errors.js';

const CRLF = '\r\n';

export interface MediaMeta {
  filename: string;
  /** Lower-case hex SHA-256 of the file bytes. */
  sha256: string;
}

export const sha256Hex = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** The `meta` JSON exactly as it is sent and signed: compact, filename first. */
export function mediaMetaJson(filename: string, file: Buffer): string {
  const meta: MediaMeta = { filename, sha256: sha256Hex(file) };
  return JSON.stringify(meta);
}

export interface MultipartInput {
  /** The `meta` JSON string; the same bytes go into the body and into the signature. */
  meta: string;
  filename: string;
  file: Buffer;
  fileContentType: string;
  boundary: string;
}

export interface MultipartBody {
  bytes: Buffer;
  contentType: string;
}

// A quote, backslash or line break would end the header field early or smuggle another header.
const UNSAFE_FILENAME = /["\\\r\n]/;

export function buildMultipart(input: MultipartInput): MultipartBody {
  if (UNSAFE_FILENAME.test(input.filename))
    throw new WxpayError('USAGE', `The file name ${JSON.stringify(input.filename)} cannot go into a form field`, {
      hint: 'Rename the file: no quotes, backslashes or line breaks.',
    });
  const head = (disposition: string, type: string) =>
    `--${input.boundary}${CRLF}Content-Disposition: form-data; ${disposition}${CRLF}Content-Type: ${type}${CRLF}${CRLF}`;
  const bytes = Buffer.concat([
    Buffer.from(head('name="meta"', 'application/json') + input.meta + CRLF),
    Buffer.from(head(`name="file"; filename="${input.filename}"`, input.fileContentType)),
    input.file,
    Buffer.from(`${CRLF}--${input.boundary}--${CRLF}`),
  ]);
  return { bytes, contentType: `multipart/form-data; boundary=${input.boundary}` };
}

export interface FormPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/** The boundary from a `multipart/form-data; boundary=…` header, or undefined for any other type. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) return undefined;
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  return m?.[1] ?? m?.[2];
}

function parsePart(raw: Buffer): FormPart | undefined {
  const split = raw.indexOf(`${CRLF}${CRLF}`);
  if (split < 0) return undefined;
  const headers = raw.subarray(0, split).toString('utf8').split(CRLF);
  const part: Partial<FormPart> = { data: raw.subarray(split + 4) };
  for (const h of headers) {
    const colon = h.indexOf(':');
    const key = h.slice(0, colon).trim().toLowerCase();
    const value = h.slice(colon + 1).trim();
    if (key === 'content-type') part.contentType = value;
    if (key !== 'content-disposition') continue;
    if (!/^form-data\b/i.test(value)) return undefined;
    const name = /;\s*name="([^"]*)"/i.exec(value)?.[1];
    const filename = /;\s*filename="([^"]*)"/i.exec(value)?.[1];
    if (name !== undefined) part.name = name;
    if (filename !== undefined) part.filename = filename;
  }
  return part.name === undefined ? undefined : (part as FormPart);
}

/** The parts of a multipart/form-data body, or undefined when it is not well formed (CRLF framing, RFC 7578). */
export function parseMultipart(body: Buffer, boundary: string): FormPart[] | undefined {
  const delimiter = Buffer.from(`--${boundary}`);
  if (body.indexOf(delimiter) !== 0) return undefined;
  const parts: FormPart[] = [];
  let at = delimiter.length;
  for (;;) {
    if (body.subarray(at, at + 2).toString() === '--') return parts;
    if (body.subarray(at, at + 2).toString() !== CRLF) return undefined;
    const next = body.indexOf(Buffer.concat([Buffer.from(CRLF), delimiter]), at + 2);
    if (next < 0) return undefined;
    const part = parsePart(body.subarray(at + 2, next));
    if (!part) return undefined;
    parts.push(part);
    at = next + 2 + delimiter.length;
  }
}
