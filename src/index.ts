import { type QueueMessage, queue } from "../queues";
import { createApp } from "./app";
import type { Bindings } from "./env";
import { checkEnv } from "./env";
import { scheduled } from "./scheduled";

export { ChannelRoom } from "../durable-objects/channel-room";
export { JobProgress } from "../durable-objects/job-progress";
export { MeetingRoom } from "../durable-objects/meeting-room";
export { NotificationHub } from "../durable-objects/notification-hub";
export { RateLimiter } from "../durable-objects/rate-limiter";
export { RunInterpreter } from "../workflows/run-interpreter";

const app = createApp();

export default {
  fetch(request, env, ctx) {
    checkEnv(env);
    return app.fetch(request, env, ctx);
  },
  queue: (batch, env, ctx) => queue(batch as MessageBatch<QueueMessage>, env, ctx),
  scheduled,
} satisfies ExportedHandler<Bindings>;
