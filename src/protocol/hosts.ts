// WeChat Pay's API hosts (docs/protocol.md). Here, not in config/, so the HTTP client can fail over to the backup
// host without loading the rc-file machinery (cosmiconfig).

/** The mainland API host, the default base URL. */
export const DEFAULT_BASE_URL = 'https://api.mch.weixin.qq.com';
/** Its backup: the client switches here once when connecting to the default fails. */
export const BACKUP_BASE_URL = 'https://api2.mch.weixin.qq.com';

/** WeChat Pay's API hosts: mainland, its backup, and Hong Kong. */
export const OFFICIAL_API_HOSTS: readonly string[] = [
  new URL(DEFAULT_BASE_URL).hostname,
  new URL(BACKUP_BASE_URL).hostname,
  'apihk.mch.weixin.qq.com',
];
