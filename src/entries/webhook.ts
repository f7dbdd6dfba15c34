// `wxpay/webhook`: the callback listener `webhook serve` runs, and the check an app makes on the signed forwards
// it sends (Standard Webhooks).
export { startWebhookServer, type WebhookServerOptions, type WebhookServer } from '../webhook/server.js';
export { verifyForward, signForward, FORWARD_TOLERANCE_SECONDS, type VerifyForwardInput } from '../webhook/signing.js';
export { parseCaptures, parseHttpRequest, type Capture, type JournalEntry } from '../webhook/capture.js';
