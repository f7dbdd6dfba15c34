// The library entry: the same core the CLI uses.
export * from './core/errors.js';
export * from './core/headers.js';
export * from './core/keys.js';
export * from './core/canonical.js';
export * from './core/sign.js';
export * from './core/verify.js';
export * from './core/aead.js';
export * from './core/oaep.js';
export * from './core/config.js';
export * from './core/credentials.js';
export * from './core/sign-explain.js';
export * from './core/doctor.js';
export * from './core/notification.js';
export { startSandbox, type SandboxOptions, type SandboxHandle } from './sandbox/server.js';
export { initSandbox, loadSandboxKeys, type SandboxMode, type SandboxInitResult } from './sandbox/keyset.js';
export * from './core/capture.js';
export {
  createClient,
  userAgentFor,
  type WxpayClient,
  type WxpayClientOptions,
  type ClientRequest,
  type ClientResponse,
} from './core/client.js';
export * from './api/transactions.js';
export * from './api/refunds.js';
export * from './api/certificates.js';
export * from './api/bills.js';
export { startWebhookServer, type WebhookServerOptions, type WebhookServer } from './webhook/server.js';
export { verifyForward, signForward, FORWARD_TOLERANCE_SECONDS, type VerifyForwardInput } from './webhook/signing.js';
