// Merchant-transfer request rules (docs/protocol.md §12): the body schema, the scene rules and the payee-name rules.
// Scene report items and payee perceptions are those WeChat Pay documents for the two scenes the sandbox merchant
// "holds" (1000 现金营销, 1005 佣金报酬); any other scene is answered as for a merchant that has not applied for it.
import { SandboxApiError, invalidRequest, paramError } from './api-error.js';
import type { Schema } from './validate.js';

const str = (max: number, label: string, required = false): Schema => ({
  type: 'string',
  min: 1,
  max,
  label,
  required,
});

export const OUT_BILL_NO = /^[0-9A-Za-z]{5,32}$/;
const NOTIFY_URL = /^https?:\/\/[^\s?#]+$/;

export const transferSchema: Schema = {
  type: 'object',
  required: true,
  fields: {
    appid: str(32, '商户AppID', true),
    out_bill_no: { type: 'string', pattern: OUT_BILL_NO, label: '商户单号', required: true },
    transfer_scene_id: str(36, '转账场景ID', true),
    openid: str(64, '收款用户OpenID', true),
    user_name: str(1024, '收款用户姓名'),
    transfer_amount: { type: 'integer', min: 1, label: '转账金额', required: true },
    transfer_remark: str(32, '转账备注', true),
    notify_url: { type: 'string', max: 256, pattern: NOTIFY_URL, label: '通知地址' },
    user_recv_perception: str(32, '用户收款感知'),
    transfer_scene_report_infos: {
      type: 'array',
      maxItems: 10,
      label: '转账场景报备信息',
      items: {
        type: 'object',
        fields: { info_type: str(15, '信息类型', true), info_content: str(32, '信息内容', true) },
      },
    },
  },
};

interface SceneRule {
  reports: readonly string[];
  perceptions: readonly string[];
}

export const SCENES: Readonly<Record<string, SceneRule>> = {
  '1000': { reports: ['活动名称', '奖励说明'], perceptions: ['活动奖励', '现金奖励'] },
  '1005': { reports: ['岗位类型', '报酬说明'], perceptions: ['劳务报酬', '报销款', '企业补贴'] },
};

/** A payee name is required from 2,000 yuan on, and refused under 0.3 yuan (too little to check a name against). */
export const NAME_REQUIRED_FROM = 200_000;
export const NAME_REFUSED_BELOW = 30;

type Body = Record<string, unknown>;

export function checkScene(body: Body): void {
  const rule = SCENES[body.transfer_scene_id as string];
  if (!rule) throw invalidRequest('你尚未获取该转账场景');
  const infos = (body.transfer_scene_report_infos as Array<{ info_type: string }> | undefined) ?? [];
  const missing = rule.reports.filter((t) => !infos.some((i) => i.info_type === t));
  if (missing.length) {
    throw paramError(`转账场景报备信息不完整，需填写：${missing.join('、')}`, 'body');
  }
  const perception = body.user_recv_perception as string | undefined;
  if (perception !== undefined && !rule.perceptions.includes(perception))
    throw invalidRequest('暂不支持展示当前传入的用户收款感知');
}

export function checkPayeeName(amount: number, hasName: boolean): void {
  if (amount >= NAME_REQUIRED_FROM && !hasName) throw paramError('转账金额>=2000元时，收款用户姓名必填', 'body');
  if (amount < NAME_REFUSED_BELOW && hasName) throw paramError('转账金额<0.3元时，不支持填写收款用户姓名', 'body');
}

export const transferNotFound = () => new SandboxApiError(404, 'NOT_FOUND', '记录不存在');
