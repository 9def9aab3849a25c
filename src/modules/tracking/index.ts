import { createRouter } from "../../platform/hono";
import { registerAnalyzeRecord } from "./routes/ai-analysis";
import { registerCompleteRecordTask } from "./routes/complete-record-task";
import { registerCreateRecordTask } from "./routes/create-record-task";
import { registerDeleteInteraction } from "./routes/delete-interaction";
import { registerDeleteRecordTask } from "./routes/delete-record-task";
import { registerDismissInsight } from "./routes/dismiss-insight";
import { registerDraftMessage } from "./routes/draft-message";
import { registerSuggestFollowUps } from "./routes/follow-ups";
import { registerGenerateInsights } from "./routes/generate-insights";
import { registerGetTrackingDashboard } from "./routes/get-dashboard";
import { registerListInsights } from "./routes/list-insights";
import { registerListInteractions } from "./routes/list-interactions";
import { registerListRecordTasks } from "./routes/list-record-tasks";
import { registerLogInteraction } from "./routes/log-interaction";
import { registerMarkInsightActioned } from "./routes/mark-insight-actioned";
import { registerUpdateInteraction } from "./routes/update-interaction";
import { registerUpdateRecordTask } from "./routes/update-record-task";

/**
 * Record Tracking (17 endpoints): interactions timeline, record tasks, insights, the per-recordset
 * dashboard and the AI endpoints. Static prefixes (/tracking/insights/…, /tracking/tasks/…,
 * /tracking/interactions/…) are registered before /tracking/{record_id}/… and /tracking/{recordset_id}/….
 */
export const trackingRouter = createRouter();
registerMarkInsightActioned(trackingRouter);
registerDismissInsight(trackingRouter);
registerCompleteRecordTask(trackingRouter);
registerUpdateRecordTask(trackingRouter);
registerDeleteRecordTask(trackingRouter);
registerUpdateInteraction(trackingRouter);
registerDeleteInteraction(trackingRouter);

registerGetTrackingDashboard(trackingRouter);
registerSuggestFollowUps(trackingRouter);

registerListInsights(trackingRouter);
registerListInteractions(trackingRouter);
registerLogInteraction(trackingRouter);
registerListRecordTasks(trackingRouter);
registerCreateRecordTask(trackingRouter);
registerAnalyzeRecord(trackingRouter);
registerDraftMessage(trackingRouter);
registerGenerateInsights(trackingRouter);
