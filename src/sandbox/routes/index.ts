// Every route module of the sandbox, in match order. A new area (e.g. bills) adds its module here.
import type { RouteDef } from '../router.js';
import { adminRoutes } from './admin.js';
import { billRoutes } from './bills.js';
import { certificateRoutes } from './certificates.js';
import { codepayRoutes } from './codepay.js';
import { combineRoutes } from './combine.js';
import { complaintAdminRoutes } from './complaints-admin.js';
import { complaintNotifyUrlRoutes } from './complaint-notify-url.js';
import { complaintRoutes } from './complaints.js';
import { mediaRoutes } from './media.js';
import { profitSharingAdminRoutes } from './profitsharing-admin.js';
import { profitSharingRoutes } from './profitsharing.js';
import { refundRoutes } from './refunds.js';
import { transferAdminRoutes } from './transfer-admin.js';
import { transferRoutes } from './transfers.js';
import { transactionRoutes } from './transactions.js';
import { uiRoutes } from '../ui/routes.js';
import { payRoutes } from '../ui/pay-routes.js';

export const ROUTE_MODULES: ReadonlyArray<readonly RouteDef[]> = [
  transactionRoutes,
  codepayRoutes,
  combineRoutes,
  refundRoutes,
  certificateRoutes,
  billRoutes,
  transferRoutes,
  complaintRoutes,
  complaintNotifyUrlRoutes,
  mediaRoutes,
  profitSharingRoutes,
  adminRoutes,
  transferAdminRoutes,
  complaintAdminRoutes,
  profitSharingAdminRoutes,
  uiRoutes,
  payRoutes,
];
