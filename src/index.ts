// The library entry, `wxpay`: everything the four subpath entries export (their lists are explicit and pinned by
// test/unit/library-entries.test.ts). Import a subpath to load less: `wxpay/protocol` has no I/O at all.
export * from './entries/protocol.js';
export * from './entries/client.js';
export * from './entries/sandbox.js';
export * from './entries/webhook.js';
