// `wxpay/protocol`: the WeChat Pay v3 rules with no I/O. Signing, verification, AEAD and OAEP, keys, and the
// notification envelope. It loads node:crypto and nothing else: no undici, no cosmiconfig, no commander, no
// node:http (test/unit/library-entries.test.ts proves it), so a web app can verify callbacks with it alone.
export {
  WxpayError,
  isWxpayError,
  EXIT,
  EXIT_MEANINGS,
  ERROR_CODES,
  type ErrorCode,
  type ExitCode,
  type WechatpayErrorBody,
} from '../protocol/errors.js';
export { getHeader, normalizeHeaders, type HeaderBag } from '../protocol/headers.js';
export {
  parseCertificate,
  loadPrivateKey,
  loadPublicKey,
  keyMatchesCertificate,
  createKeyStore,
  extendKeyStore,
  lookupKey,
  type CertInfo,
  type KeyStore,
} from '../protocol/keys.js';
export {
  AUTH_SCHEME,
  requestMessage,
  responseMessage,
  jsapiPayMessage,
  appPayMessage,
  buildAuthorization,
  parseAuthorization,
  type AuthorizationFields,
} from '../protocol/canonical.js';
export {
  signMessage,
  signRequest,
  unixSeconds,
  jsapiPayParams,
  appPayParams,
  type Merchant,
  type SignRequestInput,
  type SignedRequest,
  type JsapiPayParams,
  type AppPayParams,
} from '../protocol/sign.js';
export {
  verifySignature,
  verifyMessage,
  readSignatureHeaders,
  checkTimestamp,
  isProbeSignature,
  DEFAULT_WINDOW_SECONDS,
  type SignatureHeaders,
  type VerifyInput,
  type VerifyResult,
} from '../protocol/verify.js';
export { apiV3KeyFrom, aeadOpen, aeadSeal, type AeadResource } from '../protocol/aead.js';
export { oaepEncrypt, oaepDecrypt } from '../protocol/oaep.js';
export {
  verifyAndDecrypt,
  parseNotification,
  decryptResource,
  buildNotification,
  type NotificationEvent,
  type NotificationResource,
  type VerifyAndDecryptInput,
  type VerifiedNotification,
  type BuildNotificationInput,
  type BuiltNotification,
} from '../protocol/notification.js';
export {
  chooseEncryptionKey,
  encryptSensitive,
  encryptFields,
  sensitiveHeaders,
  type EncryptionKey,
} from '../protocol/sensitive.js';
export {
  decryptCertificateList,
  verifyCertificateList,
  type DecryptedCertificate,
} from '../protocol/platform-certs.js';
