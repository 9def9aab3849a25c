import type { Router } from "../../../platform/hono";

/** Message endpoints, read markers and the live stream/WebSocket of a channel. */
export function registerChannelConversation(_r: Router): void {}
