import { handlers } from "../../../queues";
import { createRouter } from "../../platform/hono";
import { ACTIVITY_EXPORT_JOB, runActivityExport } from "./export-job";
import { registerDownloadExport } from "./routes/download-export";
import { registerGetActivityFeed } from "./routes/get-activity-feed";
import { registerGetActivityStats } from "./routes/get-activity-stats";
import { registerGetExportDownloadUrl } from "./routes/get-export-download-url";
import { registerGetExportJob } from "./routes/get-export-job";
import { registerListExportJobs } from "./routes/list-export-jobs";
import { registerStartActivityExport } from "./routes/start-export";

/** Activity Feed (7 endpoints). Also the REPORTS_QUEUE consumer of activity exports. */
export const activityRouter = createRouter();
registerGetActivityFeed(activityRouter);
registerGetActivityStats(activityRouter);
registerStartActivityExport(activityRouter);
registerListExportJobs(activityRouter);
registerGetExportJob(activityRouter);
registerDownloadExport(activityRouter);
registerGetExportDownloadUrl(activityRouter);

handlers.set(ACTIVITY_EXPORT_JOB, runActivityExport);
