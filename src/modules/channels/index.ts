import { createRouter } from "../../platform/hono";
import { registerChannelConversation } from "./routes/conversation";
import { registerChannelManagement } from "./routes/management";

/**
 * Channels (41 endpoints with the channel-task routes of the tasks module). The two halves list
 * their endpoints in routes/management.ts and routes/conversation.ts, one register call each.
 */
export const channelsRouter = createRouter();
// Conversation first: its static GET /channels/unread-counts must win over /channels/{channel_slug}.
registerChannelConversation(channelsRouter);
registerChannelManagement(channelsRouter);
