// docs/protocol.md §14: media upload (multipart, the signature over `meta` only) and the complaint image download.
// Limits as WeChat Pay documents them for both upload endpoints: JPG, PNG or BMP, at most 2 MiB.
import { randomBytes } from 'node:crypto';
import type { ClientRequest, ClientResponse, WxpayClient } from '../http/client.js';
import { WxpayError } from '../protocol/errors.js';
import { OFFICIAL_API_HOSTS } from '../protocol/hosts.js';
import { buildMultipart, mediaMetaJson } from '../protocol/multipart.js';

export type MediaPurpose = 'complaint' | 'merchant';
export const MEDIA_PURPOSES: readonly MediaPurpose[] = ['complaint', 'merchant'];

export const MEDIA_PATHS = {
  /** 商户上传反馈图片: media_id for complaint replies and refund rejections. */
  complaint: '/v3/merchant-service/images/upload',
  /** 图片上传: media_id for merchant onboarding and other merchant APIs. */
  merchant: '/v3/merchant/media/upload',
  /** 图片下载: the media_url of a complaint image (one segment after images/). */
  download: '/v3/merchant-service/images/{media_slot}',
} as const;

export const MEDIA_MAX_BYTES = 2 * 1024 * 1024;

interface ImageKind {
  contentType: string;
  extensions: readonly string[];
  magic: Buffer;
}

const KINDS: readonly ImageKind[] = [
  { contentType: 'image/jpeg', extensions: ['jpg', 'jpeg'], magic: Buffer.from([0xff, 0xd8, 0xff]) },
  { contentType: 'image/png', extensions: ['png'], magic: Buffer.from('89504e470d0a1a0a', 'hex') },
  { contentType: 'image/bmp', extensions: ['bmp'], magic: Buffer.from('BM') },
];

const extensionOf = (filename: string) => /\.([^./\\]+)$/.exec(filename)?.[1]?.toLowerCase() ?? '';

/** Why WeChat Pay would refuse this image, or undefined when it is acceptable. Shared by client and sandbox. */
export function imageProblem(filename: string, bytes: Buffer): string | undefined {
  if (bytes.length === 0) return 'the file is empty';
  if (bytes.length > MEDIA_MAX_BYTES)
    return `the file is ${bytes.length} bytes; the limit is ${MEDIA_MAX_BYTES} (2 MiB)`;
  const ext = extensionOf(filename);
  const byName = KINDS.find((k) => k.extensions.includes(ext));
  if (!byName) return `the file name must end in .jpg, .jpeg, .png or .bmp, not "${filename}"`;
  if (!bytes.subarray(0, byName.magic.length).equals(byName.magic))
    return `the content is not a ${ext.toUpperCase()} image (its first bytes do not match)`;
  return undefined;
}

export function imageContentType(filename: string): string {
  const ext = extensionOf(filename);
  return KINDS.find((k) => k.extensions.includes(ext))?.contentType ?? 'application/octet-stream';
}

/**
 * The path to request for a complaint image's media_url. Only WeChat Pay's own hosts (or `baseUrl`, a sandbox) and
 * only the image download path: the request is signed, and a signature sent to another host could be replayed.
 */
export function mediaDownloadPath(mediaUrl: string, baseUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(mediaUrl, baseUrl);
  } catch {
    return undefined;
  }
  const hosts = [...OFFICIAL_API_HOSTS, new URL(baseUrl).hostname];
  const prefix = MEDIA_PATHS.download.slice(0, MEDIA_PATHS.download.indexOf('{'));
  const slot = url.pathname.slice(prefix.length);
  if (!hosts.includes(url.hostname) || !url.pathname.startsWith(prefix) || !/^[^/]+$/.test(slot)) return undefined;
  return `${url.pathname}${url.search}`;
}

export async function downloadMedia(client: WxpayClient, path: string): Promise<ClientResponse> {
  return client.request({ method: 'GET', path, verify: 'none-media-download' });
}

export interface UploadInput {
  purpose: MediaPurpose;
  filename: string;
  file: Buffer;
  /** Fixed in tests; random otherwise. */
  boundary?: string;
}

/** The signed upload request: the body is the whole form, the signed payload is the `meta` JSON alone. */
export function uploadRequest(input: UploadInput): ClientRequest {
  const problem = imageProblem(input.filename, input.file);
  if (problem)
    throw new WxpayError('USAGE', `WeChat Pay would refuse this upload: ${problem}`, {
      hint: 'Upload a JPG, PNG or BMP image of at most 2 MiB whose name ends in its type.',
    });
  const meta = mediaMetaJson(input.filename, input.file);
  const form = buildMultipart({
    meta,
    filename: input.filename,
    file: input.file,
    fileContentType: imageContentType(input.filename),
    boundary: input.boundary ?? `wxpay-${randomBytes(12).toString('hex')}`,
  });
  return { method: 'POST', path: MEDIA_PATHS[input.purpose], upload: { ...form, signed: meta } };
}

export async function uploadMedia(
  client: WxpayClient,
  input: UploadInput,
): Promise<{ media_id: string; response: ClientResponse }> {
  const response = await client.request(uploadRequest(input));
  const id = (response.data as { media_id?: unknown } | undefined)?.media_id;
  if (typeof id !== 'string')
    throw new WxpayError('WECHATPAY_ERROR', 'The upload answer carries no media_id', {
      hint: 'Run again with --verbose to see the answer.',
    });
  return { media_id: id, response };
}
