// docs/protocol.md §1 on the server side: Accept/User-Agent, the Authorization header (fields in any order), mchid and
// serial_no, the ±300 s window, SHA256withRSA over the message rebuilt from the RAW request target and body, and
// no nonce_str twice within the window.
import type { IncomingHttpHeaders } from 'node:http';
import { parseAuthorization, requestMessage, type AuthorizationFields } from '../protocol/canonical.js';
import { DEFAULT_WINDOW_SECONDS, verifyMessage } from '../protocol/verify.js';
import { SandboxApiError, invalidRequest, paramError } from './api-error.js';
import { knownWechatpaySerials, type SandboxContext } from './context.js';

const signError = (message: string, detail?: Record<string, unknown>) =>
  new SandboxApiError(401, 'SIGN_ERROR', message, detail);

export interface AuthInput {
  method: string;
  /** The request-target exactly as received (path plus query). */
  target: string;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
}

/** Returns the authenticated merchant fields, or throws the error the real server would answer. */
export function authenticate(ctx: SandboxContext, req: AuthInput): AuthorizationFields {
  if (!req.headers.accept || !req.headers['user-agent']) throw invalidRequest('Http头缺少Accept或User-Agent');
  const auth = parseHeader(req.headers.authorization);
  checkMerchant(ctx, auth);
  checkTimestamp(ctx, auth);
  checkSignature(ctx, req, auth);
  // After the signature check, so only a merchant-key holder adds to the memory (nonces.ts bounds it).
  if (!ctx.nonces.remember(auth.mchid, auth.nonce_str, ctx.now(), Number(auth.timestamp) * 1000)) {
    throw signError('Http头Authorization中的nonce_str已被使用,请每次请求生成新的随机串', {
      field: 'nonce_str',
      value: auth.nonce_str,
      location: 'authorization',
    });
  }
  // Exactly a known platform serial or public key ID, for the same reason as serial_no.
  const serial = req.headers['wechatpay-serial'];
  if (typeof serial === 'string' && serial !== '' && !knownWechatpaySerials(ctx).includes(serial)) {
    throw paramError('平台证书序列号Wechatpay-Serial错误', 'header', serial);
  }
  return auth;
}

function parseHeader(header: string | undefined): AuthorizationFields {
  if (!header) throw signError('Http头Authorization为空', { field: 'authorization', location: 'header' });
  try {
    return parseAuthorization(header);
  } catch {
    throw signError('Http头Authorization值格式错误,请参考《微信支付商户REST API签名规则》', {
      field: 'authorization',
      location: 'header',
    });
  }
}

/** The mchid and merchant certificate serial this sandbox was initialised with. */
function checkMerchant(ctx: SandboxContext, auth: AuthorizationFields): void {
  if (auth.mchid !== ctx.keys.mchid) {
    throw signError('商户号与Authorization中的mchid不匹配或商户不存在', {
      field: 'mchid',
      value: auth.mchid,
      location: 'authorization',
    });
  }
  // Exactly the registered serial, byte for byte. WeChat Pay documents serial_no as the certificate serial in
  // upper-case hex, as `openssl x509 -serial` prints it, and every official SDK upper-cases it; nothing documents a
  // case-insensitive match or ignoring separators, so `zz<serial>`, `AB:CD:…`, a lower-case or re-padded serial is
  // refused, as a real merchant's typo would be.
  if (auth.serial_no !== ctx.keys.merchantSerial) {
    throw signError('商户证书序列号有误。请使用签名私钥匹配的证书序列号', {
      field: 'serial_no',
      value: auth.serial_no,
      location: 'authorization',
    });
  }
}

function checkTimestamp(ctx: SandboxContext, auth: AuthorizationFields): void {
  const nowSec = Math.floor(ctx.now() / 1000);
  if (!/^\d{1,12}$/.test(auth.timestamp) || Math.abs(nowSec - Number(auth.timestamp)) >= DEFAULT_WINDOW_SECONDS) {
    throw signError('Http头Authorization中的timestamp与发起请求的时间不得超过5分钟', {
      field: 'timestamp',
      value: auth.timestamp,
      location: 'authorization',
    });
  }
}

function checkSignature(ctx: SandboxContext, req: AuthInput, auth: AuthorizationFields): void {
  const message = requestMessage(req.method, req.target, auth.timestamp, auth.nonce_str, req.rawBody);
  if (verifyMessage(ctx.keys.merchantPublicKey, message, auth.signature)) return;
  throw signError('错误的签名,验签失败', {
    detail: { issue: 'sign not match' },
    field: 'signature',
    location: 'authorization',
    sign_information: {
      method: req.method,
      sign_message_length: message.length,
      // The real server shows the message up to the first field of the body, as in docs/protocol.md §1.
      truncated_sign_message: truncate(message.toString('utf8')),
      url: req.target,
    },
  });
}

function truncate(message: string): string {
  let idx = -1;
  for (let i = 0; i < 4; i += 1) idx = message.indexOf('\n', idx + 1);
  const body = message.slice(idx + 1, -1);
  const cut = /^\{"[^"]*"/.exec(body)?.[0] ?? body.slice(0, 8);
  return `${message.slice(0, idx + 1)}${cut}\n`;
}
