// docs/protocol.md §3: GET /v3/certificates. Decrypts each entry with the APIv3 key and verifies the response with a
// known certificate, or else with the certificates just decrypted (CertificateDownloader semantics).
import type { WxpayClient } from '../http/client.js';
import type { KeyStore } from '../protocol/keys.js';
import type { DecryptedCertificate } from '../protocol/platform-certs.js';
import { ENDPOINTS } from '../protocol/endpoints.js';

export type { DecryptedCertificate };

export async function downloadCertificates(client: WxpayClient, trust?: KeyStore): Promise<DecryptedCertificate[]> {
  const res = await client.request({
    method: 'GET',
    path: ENDPOINTS.certificates,
    verify: 'certificate-list',
    ...(trust ? { trust } : {}),
  });
  return res.certificates ?? [];
}

/** The file name WeChat Pay's tools use, so rotation keeps old and new side by side. */
export const certificateFileName = (serial: string): string => `wechatpay_${serial}.pem`;
