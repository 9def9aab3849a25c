import type { Router } from "../../../platform/hono";
import { registerChannelSocket } from "./channel-socket";
import { registerCreateMessage } from "./create-message";
import { registerDeleteMessage } from "./delete-message";
import { registerGetReadStatus } from "./get-read-status";
import { registerListMessages } from "./list-messages";
import { registerListSquashed } from "./list-squashed";
import { registerMarkRead } from "./mark-read";
import { registerRestoreSquashed } from "./restore-squashed";
import { registerSquashMessages } from "./squash-messages";
import { registerStreamChannel } from "./stream-channel";
import { registerSummarizeMessages } from "./summarize-messages";
import { registerUnreadCounts } from "./unread-counts";
import { registerUpdateMessage } from "./update-message";

/** Message endpoints, read markers and the live stream/WebSocket of a channel (static paths first). */
export function registerChannelConversation(r: Router): void {
  registerUnreadCounts(r);
  registerListMessages(r);
  registerCreateMessage(r);
  registerUpdateMessage(r);
  registerDeleteMessage(r);
  registerListSquashed(r);
  registerSquashMessages(r);
  registerRestoreSquashed(r);
  registerSummarizeMessages(r);
  registerGetReadStatus(r);
  registerMarkRead(r);
  registerStreamChannel(r);
  registerChannelSocket(r);
}
