import { createRouter } from "../../platform/hono";
import { registerCountIntegrationRecords } from "./routes/count-integration-records";
import { registerGetIntegrationRecord } from "./routes/get-integration-record";
import { registerListIntegrationRecords } from "./routes/list-integration-records";

/**
 * Integration Records (3 endpoints): read-only virtual recordsets over the staging rows that
 * integrations sync (schema integration_staging, see tables.ts). /count before /{record_id}.
 */
export const integrationRecordsRouter = createRouter();
registerListIntegrationRecords(integrationRecordsRouter);
registerCountIntegrationRecords(integrationRecordsRouter);
registerGetIntegrationRecord(integrationRecordsRouter);
