export { getDelivery, listDeliveries, redeliver, redeliverFailed, testWebhook } from "./deliveries";
export { fanOutEvents, recoverDeliveries, runDeliveryAttempt } from "./delivery";
export {
  countWebhooks,
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhooks,
  regenerateWebhookSecret,
  toggleWebhook,
  updateWebhook,
} from "./endpoints";
