import { EventRoom } from "./event-room";

/**
 * MeetingRoom: one per meeting or huddle: participant state (muted, video, hand raised).
 * Ordered, replayable fan-out comes from EventRoom; the collaboration module publishes into it.
 */
export class MeetingRoom extends EventRoom {}
