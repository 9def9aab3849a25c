import type { Bindings } from "../src/env";
import { createContext, type ServiceContext } from "../src/platform/context";
import { isServiceError } from "../src/platform/errors";
import { flushEvents } from "../src/platform/events/outbox";
import { uuidv7 } from "../src/platform/ids";

/** Every queue message names its handler and carries the request id of what caused it. */
export interface QueueMessage {
  type: string;
  request_id?: string;
  [key: string]: unknown;
}

export type MessageHandler = (ctx: ServiceContext, body: QueueMessage, attempt: number) => Promise<void>;

/**
 * Consumers by message type. Modules add theirs (imports, scrapes, reports, webhooks) as they
 * land; the four queues share this dispatcher because the message, not the queue, names the work.
 */
export const handlers = new Map<string, MessageHandler>();

const RETRY_BASE_SECONDS = 10;

export async function queue(batch: MessageBatch<QueueMessage>, env: Bindings, ectx: ExecutionContext): Promise<void> {
  for (const msg of batch.messages) {
    const body = msg.body;
    const ctx = createContext({
      env,
      requestId: body.request_id ?? uuidv7(),
      actor: { kind: "system", name: `queue:${batch.queue}` },
      waitUntil: (p) => ectx.waitUntil(p),
    });
    try {
      // Fault injection for benchmarks (never in production): fail before any work is done.
      const faultRate = env.ENVIRONMENT === "production" ? 0 : Number(env.QUEUE_FAULT_RATE ?? 0);
      if (faultRate > 0 && Math.random() < faultRate) throw new Error("injected consumer fault (QUEUE_FAULT_RATE)");
      const handler = handlers.get(body.type);
      if (!handler) throw new Error(`no consumer for message type "${body.type}" on ${batch.queue}`);
      await handler(ctx, body, msg.attempts);
      msg.ack();
    } catch (e) {
      const retryable = !isServiceError(e) || e.retryable;
      console.error(
        JSON.stringify({
          level: "error",
          msg: "queue message failed",
          queue: batch.queue,
          type: body.type,
          attempt: msg.attempts,
          retryable,
          error: String(e),
        }),
      );
      // Exponential backoff; after max_retries the message goes to the dead-letter queue.
      // Non-retryable failures skip the waiting and go there at the next delivery.
      msg.retry({ delaySeconds: retryable ? Math.min(RETRY_BASE_SECONDS * 2 ** (msg.attempts - 1), 3600) : 0 });
    } finally {
      flushEvents(ctx);
      await ctx.connections.close();
    }
  }
}
