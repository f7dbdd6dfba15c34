// The library entry: the same core the CLI uses.
export * from './protocol/errors.js';
export * from './protocol/headers.js';
export * from './protocol/keys.js';
export * from './protocol/canonical.js';
export * from './protocol/sign.js';
export { newNonce } from './protocol/nonce.js';
export { normalizeSerial } from './protocol/serials.js';
export * from './protocol/verify.js';
export * from './protocol/aead.js';
export * from './protocol/oaep.js';
export * from './config/config.js';
export * from './config/credentials.js';
export * from './diagnostics/sign-explain.js';
export * from './diagnostics/doctor.js';
export * from './protocol/notification.js';
export { startSandbox, type SandboxOptions, type SandboxHandle } from './sandbox/server.js';
export { initSandbox, loadSandboxKeys, type SandboxMode, type SandboxInitResult } from './sandbox/keyset.js';
export * from './webhook/capture.js';
export {
  createClient,
  userAgentFor,
  type WxpayClient,
  type WxpayClientOptions,
  type ClientRequest,
  type ClientResponse,
} from './http/client.js';
export * from './api/transactions.js';
export * from './api/refunds.js';
export * from './api/certificates.js';
export * from './api/bills.js';
export { startWebhookServer, type WebhookServerOptions, type WebhookServer } from './webhook/server.js';
export { verifyForward, signForward, FORWARD_TOLERANCE_SECONDS, type VerifyForwardInput } from './webhook/signing.js';
