import type { Router } from "../../../platform/hono";
import { registerAddChannelMembers } from "./add-channel-members";
import { registerChannelFileSignedUrl } from "./channel-file-signed-url";
import { registerChannelPermissions } from "./channel-permissions";
import { registerCompleteChannel } from "./complete-channel";
import { registerCreateChannel } from "./create-channel";
import { registerDeleteChannel } from "./delete-channel";
import { registerDeleteChannelFile } from "./delete-channel-file";
import { registerDownloadSignedFile } from "./download-signed-file";
import { registerGetChannel } from "./get-channel";
import { registerGetChannelFile } from "./get-channel-file";
import { registerGrantChannelAccess } from "./grant-channel-access";
import { registerJoinChannel } from "./join-channel";
import { registerLeaveChannel } from "./leave-channel";
import { registerLinkChannelRecords } from "./link-channel-records";
import { registerListChannelAccess } from "./list-channel-access";
import { registerListChannelActivities } from "./list-channel-activities";
import { registerListChannelFiles } from "./list-channel-files";
import { registerListChannelMembers } from "./list-channel-members";
import { registerListChannelRecords } from "./list-channel-records";
import { registerListChannels } from "./list-channels";
import { registerMuteChannel } from "./mute-channel";
import { registerRevokeChannelMemberAccess } from "./revoke-channel-member-access";
import { registerRevokeChannelTeamAccess } from "./revoke-channel-team-access";
import { registerStarChannel } from "./star-channel";
import { registerUnlinkChannelRecord } from "./unlink-channel-record";
import { registerUpdateChannel } from "./update-channel";
import { registerUploadChannelFile } from "./upload-channel-file";

/**
 * Channel management (26 endpoints) and the signed-link download route. Hono runs the first
 * matching route, so GET /channels/{channel_slug} must come after every static
 * /channels/<name> sibling (GET /channels/unread-counts lives in conversation.ts).
 */
export function registerChannelManagement(r: Router): void {
  registerListChannels(r);
  registerCreateChannel(r);
  registerDownloadSignedFile(r);
  registerGetChannel(r);
  registerUpdateChannel(r);
  registerDeleteChannel(r);
  registerCompleteChannel(r);
  registerChannelPermissions(r);
  registerListChannelActivities(r);
  registerListChannelAccess(r);
  registerGrantChannelAccess(r);
  registerRevokeChannelMemberAccess(r);
  registerRevokeChannelTeamAccess(r);
  registerJoinChannel(r);
  registerLeaveChannel(r);
  registerListChannelMembers(r);
  registerAddChannelMembers(r);
  registerStarChannel(r);
  registerMuteChannel(r);
  registerListChannelFiles(r);
  registerUploadChannelFile(r);
  registerChannelFileSignedUrl(r);
  registerGetChannelFile(r);
  registerDeleteChannelFile(r);
  registerListChannelRecords(r);
  registerLinkChannelRecords(r);
  registerUnlinkChannelRecord(r);
}
