// `wxpay/client`: the signed HTTP client, the typed endpoint functions over it, and the rc-file loader that
// builds a merchant from a profile. Loads undici (and cosmiconfig when a config is loaded).
export {
  createClient,
  userAgentFor,
  type WxpayClient,
  type WxpayClientOptions,
  type ClientRequest,
  type ClientResponse,
} from '../http/client.js';
export {
  PREPAY_KINDS,
  prepay,
  queryOrder,
  closeOrder,
  type PrepayKind,
  type PrepayInput,
  type PrepayResult,
  type OrderRef,
  type Transaction,
} from '../api/transactions.js';
export { createRefund, queryRefund, type RefundInput, type Refund } from '../api/refunds.js';
export { downloadCertificates } from '../api/certificates.js';
export {
  applyTradeBill,
  applyFundFlowBill,
  downloadBill,
  type BillApply,
  type TradeBillQuery,
  type FundFlowBillQuery,
  type DownloadBillOptions,
} from '../api/bills.js';
export {
  createTransfer,
  queryTransfer,
  cancelTransfer,
  type TransferInput,
  type TransferBill,
  type TransferRef,
} from '../api/transfers.js';
export { applyReceipt, queryReceipt, downloadReceipt, type Receipt } from '../api/transfer-receipts.js';
export { encryptionKeyFor, encryptForClient } from '../api/sensitive.js';
export {
  loadConfig,
  PROFILE_FIELDS,
  type Profile,
  type ResolvedProfile,
  type LoadConfigInput,
} from '../config/config.js';
export { loadMerchant, loadApiV3Key, loadVerifierKeys } from '../config/credentials.js';
