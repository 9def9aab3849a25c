import { z } from "zod";
import { handlers, type QueueMessage } from "../../../queues";
import { ServiceError } from "../../platform/errors";
import { EVENTS_PUBLISHED } from "../../platform/events/outbox";
import { createRouter } from "../../platform/hono";
import { DELIVER_MESSAGE } from "./internal";
import { registerCountWebhooks } from "./routes/count-webhooks";
import { registerCreateWebhook } from "./routes/create-webhook";
import { registerDeleteWebhook } from "./routes/delete-webhook";
import { registerGetWebhook } from "./routes/get-webhook";
import { registerGetWebhookDelivery } from "./routes/get-webhook-delivery";
import { registerListEventTypes } from "./routes/list-event-types";
import { registerListWebhookDeliveries } from "./routes/list-webhook-deliveries";
import { registerListWebhooks } from "./routes/list-webhooks";
import { registerRedeliverFailedWebhookDeliveries } from "./routes/redeliver-failed-webhook-deliveries";
import { registerRedeliverWebhookDelivery } from "./routes/redeliver-webhook-delivery";
import { registerRegenerateWebhookSecret } from "./routes/regenerate-webhook-secret";
import { registerTestWebhook } from "./routes/test-webhook";
import { registerToggleWebhook } from "./routes/toggle-webhook";
import { registerUpdateWebhook } from "./routes/update-webhook";
import { fanOutEvents, runDeliveryAttempt } from "./service";

/** Webhooks (9 of the seed, plus the event catalogue, delivery log and redelivery). Static paths first. */
export const webhooksRouter = createRouter();
registerListWebhooks(webhooksRouter);
registerCreateWebhook(webhooksRouter);
registerCountWebhooks(webhooksRouter);
registerListEventTypes(webhooksRouter);
registerGetWebhook(webhooksRouter);
registerUpdateWebhook(webhooksRouter);
registerDeleteWebhook(webhooksRouter);
registerToggleWebhook(webhooksRouter);
registerRegenerateWebhookSecret(webhooksRouter);
registerTestWebhook(webhooksRouter);
registerListWebhookDeliveries(webhooksRouter);
registerGetWebhookDelivery(webhooksRouter);
registerRedeliverWebhookDelivery(webhooksRouter);
registerRedeliverFailedWebhookDeliveries(webhooksRouter);

const Published = z.object({ workspace_id: z.uuid(), event_ids: z.array(z.uuid()).max(1000) });
const Deliver = z.object({ workspace_id: z.uuid(), delivery_id: z.uuid(), attempt: z.number().int().min(1) });

/** A malformed message is not retried (it would fail the same way) and lands in the dead-letter queue. */
function parsed<T>(schema: z.ZodType<T>, body: QueueMessage): T {
  const r = schema.safeParse(body);
  if (!r.success) throw new ServiceError("validation_error", `Malformed ${body.type} message: ${r.error.message}`);
  return r.data;
}

handlers.set(EVENTS_PUBLISHED, (ctx, body) => fanOutEvents(ctx, parsed(Published, body)));
handlers.set(DELIVER_MESSAGE, (ctx, body) => runDeliveryAttempt(ctx, parsed(Deliver, body)));
