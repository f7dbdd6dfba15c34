// GET /v3/certificates (docs/protocol.md §3): every platform certificate, AEAD-sealed with the APIv3 key
// (12-character nonce, AAD "certificate"). Public-key-only merchants get RESOURCE_NOT_EXISTS, as new merchants do.
import { aeadSeal } from '../../protocol/aead.js';
import { parseCertificate } from '../../protocol/keys.js';
import { resourceNotExists } from '../api-error.js';
import { enumError } from '../param-rules.js';
import type { RouteDef } from '../router.js';
import { chinaRfc3339 } from '../../protocol/china-time.js';
import { newResourceNonce } from '../../protocol/nonce.js';
import { ENDPOINTS } from '../../protocol/endpoints.js';

export const certificateRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: ENDPOINTS.certificates,
    auth: 'wechatpay',
    handle: (req, ctx) => {
      const algorithm = req.query.get('algorithm_type');
      if (algorithm !== null && !['RSA', 'SM2', 'ALL'].includes(algorithm))
        throw enumError('/query/algorithm_type', '证书算法类型', ['RSA', 'SM2', 'ALL'], algorithm, 'query');
      if (ctx.mode === 'pubkey')
        throw resourceNotExists(
          '无可用的平台证书，请在商户平台-API安全申请使用微信支付公钥。可查看指引https://pay.weixin.qq.com/docs/merchant/products/platform-certificate/wxp-pub-key-guide.html',
        );
      const data =
        algorithm === 'SM2'
          ? []
          : ctx.keys.platform.map((p) => {
              const info = parseCertificate(p.certPem);
              const nonce = newResourceNonce();
              return {
                serial_no: p.serial,
                effective_time: chinaRfc3339(info.validFrom.getTime()),
                expire_time: chinaRfc3339(info.validTo.getTime()),
                encrypt_certificate: {
                  algorithm: 'AEAD_AES_256_GCM',
                  associated_data: 'certificate',
                  nonce,
                  ciphertext: aeadSeal(ctx.keys.apiV3Key, nonce, 'certificate', p.certPem),
                },
              };
            });
      return { status: 200, body: { data } };
    },
  },
];
