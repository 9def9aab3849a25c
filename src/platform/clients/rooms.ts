import type { EventRoom, RoomEvent } from "../../../durable-objects/event-room";

/**
 * Typed client of an EventRoom Durable Object (ChannelRoom, NotificationHub, MeetingRoom, …).
 * Workers RPC types only serialisable values, and event data is free-form JSON (`unknown`),
 * so the stub's generated type loses these methods; this restores them in one place.
 */
export interface RoomClient {
  publish(event: string | null, data: unknown): Promise<RoomEvent>;
  replay(since?: number): Promise<RoomEvent[]>;
  fetch(input: string, init?: RequestInit): Promise<Response>;
}

export function roomClient(stub: DurableObjectStub<EventRoom>): RoomClient {
  return stub as unknown as RoomClient;
}
