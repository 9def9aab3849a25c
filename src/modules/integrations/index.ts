import { handlers } from "../../../queues";
import { createRouter } from "../../platform/hono";
import { runSyncMessage } from "./consumer";
import { SYNC_MESSAGE } from "./internal";
import { registerCreateIntegration } from "./routes/create-integration";
import { registerCreateRecordsets } from "./routes/create-recordsets";
import { registerDataEntities } from "./routes/data-entities";
import { registerDataIntegrations } from "./routes/data-integrations";
import { registerDataMeEntities } from "./routes/data-me-entities";
import { registerDataMeIntegrations } from "./routes/data-me-integrations";
import { registerDataMeRows } from "./routes/data-me-rows";
import { registerDataRows } from "./routes/data-rows";
import { registerDataSyncProvider } from "./routes/data-sync-provider";
import { registerDisconnectIntegration } from "./routes/disconnect-integration";
import { registerGetIntegration } from "./routes/get-integration";
import { registerGetRun } from "./routes/get-run";
import { registerGetRunLogs } from "./routes/get-run-logs";
import { registerInitiateOAuth } from "./routes/initiate-oauth";
import { registerIntegrationInfo } from "./routes/integration-info";
import { registerIntegrationLogs } from "./routes/integration-logs";
import { registerListAvailable } from "./routes/list-available";
import { registerListIntegrations } from "./routes/list-integrations";
import { registerOAuthCallback } from "./routes/oauth-callback";
import { registerGoogleAdsOAuthCallback } from "./routes/oauth-google-ads-callback";
import { registerGoogleAdsOAuthUrl } from "./routes/oauth-google-ads-url";
import { registerSlackOAuthCallback } from "./routes/oauth-slack-callback";
import { registerSlackOAuthUrl } from "./routes/oauth-slack-url";
import { registerQueryMetaAds } from "./routes/query-meta-ads";
import { registerQueryShopify } from "./routes/query-shopify";
import { registerStreamRun } from "./routes/stream-run";
import { registerSyncStatus } from "./routes/sync-status";
import { registerToggleIntegration } from "./routes/toggle-integration";
import { registerTriggerSync } from "./routes/trigger-sync";
import { registerUpdateIntegration } from "./routes/update-integration";

/**
 * Integrations (20), Integrations - OAuth (4) and Data Retrieval (6). Static paths before
 * parameterised ones (/integrations/available before /integrations/{integration_id}, /data/me
 * before /data/{integration_name}: "me" is reserved). Also the IMPORTS_QUEUE consumer of
 * integration.sync.
 */
export const integrationsRouter = createRouter();
registerListIntegrations(integrationsRouter);
registerListAvailable(integrationsRouter);
registerDataSyncProvider(integrationsRouter);
registerCreateIntegration(integrationsRouter);
registerQueryMetaAds(integrationsRouter);
registerQueryShopify(integrationsRouter);
registerInitiateOAuth(integrationsRouter);
registerOAuthCallback(integrationsRouter);
registerGetRun(integrationsRouter);
registerGetRunLogs(integrationsRouter);
registerStreamRun(integrationsRouter);
registerGetIntegration(integrationsRouter);
registerUpdateIntegration(integrationsRouter);
registerDisconnectIntegration(integrationsRouter);
registerIntegrationInfo(integrationsRouter);
registerIntegrationLogs(integrationsRouter);
registerSyncStatus(integrationsRouter);
registerTriggerSync(integrationsRouter);
registerToggleIntegration(integrationsRouter);
registerCreateRecordsets(integrationsRouter);
registerSlackOAuthUrl(integrationsRouter);
registerSlackOAuthCallback(integrationsRouter);
registerGoogleAdsOAuthUrl(integrationsRouter);
registerGoogleAdsOAuthCallback(integrationsRouter);
registerDataMeIntegrations(integrationsRouter);
registerDataMeEntities(integrationsRouter);
registerDataMeRows(integrationsRouter);
registerDataIntegrations(integrationsRouter);
registerDataEntities(integrationsRouter);
registerDataRows(integrationsRouter);

handlers.set(SYNC_MESSAGE, runSyncMessage);
