import { registerApiKeyStore } from "../../platform/apikeys";
import { createRouter } from "../../platform/hono";
import { apiKeyStore } from "./internal";
import { registerCountApiKeys } from "./routes/count-api-keys";
import { registerCreateApiKey } from "./routes/create-api-key";
import { registerDeleteApiKey } from "./routes/delete-api-key";
import { registerGetApiKey } from "./routes/get-api-key";
import { registerListApiKeys } from "./routes/list-api-keys";
import { registerRevokeApiKey } from "./routes/revoke-api-key";
import { registerRotateApiKey } from "./routes/rotate-api-key";
import { registerToggleApiKey } from "./routes/toggle-api-key";
import { registerUpdateApiKey } from "./routes/update-api-key";

// The auth middleware verifies keys through this module's table.
registerApiKeyStore(apiKeyStore);

/** API keys: one register…() call per endpoint (static paths before /{api_key_id}). */
export const apiKeysRouter = createRouter();
registerListApiKeys(apiKeysRouter);
registerCountApiKeys(apiKeysRouter);
registerCreateApiKey(apiKeysRouter);
registerGetApiKey(apiKeysRouter);
registerUpdateApiKey(apiKeysRouter);
registerDeleteApiKey(apiKeysRouter);
registerRevokeApiKey(apiKeysRouter);
registerRotateApiKey(apiKeysRouter);
registerToggleApiKey(apiKeysRouter);
