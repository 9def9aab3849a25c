import type { ServiceContext } from "../context";

/** One outbox event as subscribers see it. */
export interface PublishedEvent {
  id: string;
  type: string;
  data: unknown;
}

/**
 * In-process subscribers of the outbox (workflow event triggers), called by the webhooks fan-out
 * with the workspace bound, before the events are marked fanned out: a failure makes the queue
 * retry the fan-out, so subscribers must be idempotent per event id. `mayReach(memberId, event)`
 * says whether that member may see the event's object (the webhooks' audience rules).
 */
export type EventSubscriber = (
  ctx: ServiceContext,
  events: PublishedEvent[],
  mayReach: (memberId: string | null, event: PublishedEvent) => Promise<boolean>,
) => Promise<void>;

export const eventSubscribers: EventSubscriber[] = [];
