// Media upload and the complaint image download (docs/protocol.md §14), checked the way WeChat Pay does: a
// multipart/form-data body with a `meta` part and a `file` part, the request signature over the meta JSON alone,
// the file's SHA-256 against meta.sha256, and JPG/PNG/BMP of at most 2 MiB.
import { randomBytes } from 'node:crypto';
import { imageContentType, imageProblem, MEDIA_MAX_BYTES, MEDIA_PATHS, type MediaPurpose } from '../../api/media.js';
import { multipartBoundary, parseMultipart, sha256Hex, type FormPart } from '../../protocol/multipart.js';
import { paramError, resourceNotExists } from '../api-error.js';
import { storeMedia } from '../complaints.js';
import type { RouteDef, RouteRequest } from '../router.js';

interface Upload {
  meta: FormPart;
  file: FormPart;
}

const formError = (message: string) => paramError(message);

/** The two parts, or the error the server answers before it even checks the signature. */
function readUpload(req: RouteRequest): Upload {
  const type = req.headers['content-type'];
  const boundary = multipartBoundary(type);
  if (!boundary) throw paramError('请求头Content-Type错误', 'header', type);
  const parts = parseMultipart(req.rawBody, boundary);
  if (!parts) throw formError('multipart/form-data 报文格式错误');
  const meta = parts.find((p) => p.name === 'meta');
  const file = parts.find((p) => p.name === 'file');
  if (!meta) throw formError('缺少meta参数');
  if (!file) throw formError('缺少file参数');
  return { meta, file };
}

function parseMeta(part: FormPart): { filename: string; sha256: string } {
  let meta: unknown;
  try {
    meta = JSON.parse(part.data.toString('utf8'));
  } catch {
    throw paramError('meta参数不是合法的JSON');
  }
  const m = meta as { filename?: unknown; sha256?: unknown };
  if (typeof m.filename !== 'string' || m.filename === '') throw paramError('缺少文件名称filename');
  if (typeof m.sha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(m.sha256))
    throw paramError('文件摘要sha256格式错误', 'body', m.sha256);
  return { filename: m.filename, sha256: m.sha256 };
}

function uploadRoute(purpose: MediaPurpose): RouteDef {
  return {
    method: 'POST',
    path: MEDIA_PATHS[purpose],
    auth: 'wechatpay',
    // The file may be 2 MiB; the form around it adds a few hundred bytes.
    maxBodyBytes: MEDIA_MAX_BYTES + 64 * 1024,
    signedBody: (req) => readUpload(req).meta.data,
    handle: (req, ctx) => {
      const { meta, file } = readUpload(req);
      const m = parseMeta(meta);
      if (sha256Hex(file.data) !== m.sha256.toLowerCase())
        throw paramError('文件摘要sha256与文件内容不一致', 'body', m.sha256);
      const problem = imageProblem(m.filename, file.data);
      if (problem) throw paramError(`图片格式或大小不符合要求: ${problem}`, 'body', m.filename);
      const ext = m.filename.slice(m.filename.lastIndexOf('.') + 1).toLowerCase();
      const mediaId =
        purpose === 'complaint'
          ? `${randomBytes(16).toString('hex').toUpperCase()}.${ext}`
          : randomBytes(64).toString('base64url');
      storeMedia(ctx, {
        mediaId,
        purpose,
        filename: m.filename,
        contentType: imageContentType(m.filename),
        data: file.data.toString('base64'),
      });
      return { status: 200, body: { media_id: mediaId } };
    },
  };
}

export const mediaRoutes: RouteDef[] = [
  uploadRoute('complaint'),
  uploadRoute('merchant'),
  {
    method: 'GET',
    path: MEDIA_PATHS.download,
    auth: 'wechatpay',
    // The image is sent as is, without Wechatpay-* headers, as WeChat Pay answers it.
    unsignedResponse: true,
    handle: (req, ctx) => {
      const m = ctx.state.complaints.mediaBySlot(req.params.media_slot!);
      if (!m || m.purpose === 'merchant') throw resourceNotExists('图片不存在');
      return { status: 200, raw: Buffer.from(m.data, 'base64'), contentType: m.contentType };
    },
  },
];
