import { EventRoom } from "./event-room";

/**
 * ChannelRoom: one per channel: messages, edits, reactions, typing, presence and read markers.
 * Ordered, replayable fan-out comes from EventRoom; the collaboration module publishes into it.
 */
export class ChannelRoom extends EventRoom {}
