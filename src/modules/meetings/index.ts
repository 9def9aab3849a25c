import { createRouter } from "../../platform/hono";
import { registerCreateMeeting } from "./routes/create-meeting";
import { registerDeleteMeeting } from "./routes/delete-meeting";
import { registerEndMeeting } from "./routes/end-meeting";
import { registerGetMeeting } from "./routes/get-meeting";
import { registerGetMeetingByRoom } from "./routes/get-meeting-by-room";
import { registerJoinMeeting } from "./routes/join-meeting";
import { registerLeaveMeeting } from "./routes/leave-meeting";
import { registerListActiveMeetings } from "./routes/list-active-meetings";
import { registerListMeetings } from "./routes/list-meetings";
import { registerMeetingStream } from "./routes/meeting-stream";
import { registerStartHuddle } from "./routes/start-huddle";
import { registerUpdateMyParticipant } from "./routes/update-my-participant";

/** Meetings & Huddles (11 endpoints) and the meeting's live stream. Static paths before {meeting_id}. */
export const meetingsRouter = createRouter();
registerListMeetings(meetingsRouter);
registerListActiveMeetings(meetingsRouter);
registerGetMeetingByRoom(meetingsRouter);
registerCreateMeeting(meetingsRouter);
registerStartHuddle(meetingsRouter);
registerGetMeeting(meetingsRouter);
registerJoinMeeting(meetingsRouter);
registerLeaveMeeting(meetingsRouter);
registerUpdateMyParticipant(meetingsRouter);
registerEndMeeting(meetingsRouter);
registerDeleteMeeting(meetingsRouter);
registerMeetingStream(meetingsRouter);
