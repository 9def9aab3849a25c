export {
  checkoutOneTime,
  checkoutSubscription,
  createPublicSetupIntent,
  createSetupIntent,
  customerPortal,
  priceLinkCheckout,
} from "./checkout";
export {
  createAlert,
  deleteAlert,
  getAutoReload,
  getCreditBalance,
  getUsageChart,
  listAlerts,
  onBalanceChange,
  purchaseCredits,
  setAutoReload,
} from "./credits";
export { billingAfterSignup } from "./signup";
export {
  cancelDowngrade,
  cancelSubscription,
  changePlan,
  createSubscription,
  endTrial,
  getSubscription,
  listInvoices,
  reactivateSubscription,
  resyncStaleSubscriptions,
  subscriptionStatus,
  syncSubscription,
  upcomingInvoice,
} from "./subscriptions";
export { getFeatures, getLimits, getUsage, listTiers, parseLimitType, usageEvents } from "./usage";
export { receiveStripeWebhook } from "./webhooks";
