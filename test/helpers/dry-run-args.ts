// A `refund create` that builds and signs its request and sends nothing (--dry-run): the API command the start-up
// tests run when they need one that loads undici and a command bundle without a server to talk to.
export const REFUND_DRY = [
  'refund',
  'create',
  '--out-trade-no',
  'ORDER00001',
  '--out-refund-no',
  'R00001',
  '--amount',
  '1',
  '--total',
  '1',
  '--dry-run',
];
