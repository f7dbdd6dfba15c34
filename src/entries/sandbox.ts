// `wxpay/sandbox`: the local WeChat Pay v3 simulator, to start in an app's own tests (port 0, in process).
export { startSandbox, type SandboxOptions, type SandboxHandle } from '../sandbox/server.js';
export {
  initSandbox,
  loadSandboxKeys,
  SANDBOX_MODES,
  type SandboxMode,
  type SandboxInitResult,
  type SandboxKeys,
} from '../sandbox/keyset.js';
export { payerPageUrl } from '../sandbox/pay-links.js';
