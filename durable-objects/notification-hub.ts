import { EventRoom } from "./event-room";

/**
 * NotificationHub: one per member: notification and workspace_event events.
 * Ordered, replayable fan-out comes from EventRoom; the collaboration module publishes into it.
 */
export class NotificationHub extends EventRoom {}
