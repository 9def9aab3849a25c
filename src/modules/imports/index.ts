import { handlers } from "../../../queues";
import { createRouter } from "../../platform/hono";
import { runExportMessage, runImportMessage } from "./consumer";
import { EXPORT_MESSAGE, IMPORT_MESSAGE } from "./internal";
import { registerAnalyzeUpload } from "./routes/analyze-upload";
import { registerCancelAllJobs } from "./routes/cancel-all-jobs";
import { registerCancelJob } from "./routes/cancel-job";
import { registerCreateAndImport } from "./routes/create-and-import";
import { registerCreateSignedUpload } from "./routes/create-signed-upload";
import { registerDeleteJob } from "./routes/delete-job";
import { registerDownloadErrorReport } from "./routes/download-error-report";
import { registerGetJob } from "./routes/get-job";
import { registerGetReportUrl } from "./routes/get-report-url";
import { registerImportIntoRecordset } from "./routes/import-into-recordset";
import { registerLegacyStatus } from "./routes/legacy-status";
import { registerListJobs } from "./routes/list-jobs";
import { registerPutSignedUpload } from "./routes/put-signed-upload";
import { registerStartExport } from "./routes/start-export";
import { registerUploadFile } from "./routes/upload-file";

/**
 * Recordset Import (14 endpoints, the 4 geocode ones live in geo) plus the PUT target of signed
 * uploads. Also the IMPORTS_QUEUE consumer of imports and exports. Static paths first.
 */
export const importsRouter = createRouter();
registerUploadFile(importsRouter);
registerPutSignedUpload(importsRouter);
registerAnalyzeUpload(importsRouter);
registerCreateSignedUpload(importsRouter);
registerCreateAndImport(importsRouter);
registerImportIntoRecordset(importsRouter);
registerStartExport(importsRouter);
registerListJobs(importsRouter);
registerCancelAllJobs(importsRouter);
registerGetJob(importsRouter);
registerGetReportUrl(importsRouter);
registerCancelJob(importsRouter);
registerDeleteJob(importsRouter);
registerLegacyStatus(importsRouter);
registerDownloadErrorReport(importsRouter);

handlers.set(IMPORT_MESSAGE, runImportMessage);
handlers.set(EXPORT_MESSAGE, runExportMessage);
