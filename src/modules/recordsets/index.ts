import { createRouter } from "../../platform/hono";
import { registerCreateRecordsetPipeline } from "./routes/create-pipeline";
import { registerCreateRecordset } from "./routes/create-recordset";
import { registerCreateRecordsetView } from "./routes/create-recordset-view";
import { registerCrudCreateRecordset } from "./routes/crud-create-recordset";
import { registerCrudDeleteRecordset } from "./routes/crud-delete-recordset";
import { registerCrudGetRecordset } from "./routes/crud-get-recordset";
import { registerCrudListRecordsets } from "./routes/crud-list-recordsets";
import { registerCrudReplaceRecordset } from "./routes/crud-replace-recordset";
import { registerCrudUpdateRecordset } from "./routes/crud-update-recordset";
import { registerDeleteRecordsetView } from "./routes/delete-recordset-view";
import { registerDeleteTrashedRecordset } from "./routes/delete-trashed-recordset";
import { registerGetRecordsetPipeline } from "./routes/get-pipeline";
import { registerGetRecordset } from "./routes/get-recordset";
import { registerGrantRecordsetAccess } from "./routes/grant-recordset-access";
import { registerListRecordsetAccess } from "./routes/list-recordset-access";
import { registerListRecordsetTrash } from "./routes/list-recordset-trash";
import { registerListRecordsetViews } from "./routes/list-recordset-views";
import { registerListRecordsets } from "./routes/list-recordsets";
import { registerRecordsetPermissions } from "./routes/recordset-permissions";
import { registerRestoreRecordset } from "./routes/restore-recordset";
import { registerResyncPromoted } from "./routes/resync-promoted";
import { registerRevokeRecordsetMemberAccess } from "./routes/revoke-recordset-member-access";
import { registerRevokeRecordsetTeamAccess } from "./routes/revoke-recordset-team-access";
import { registerSyncRecordsetCounts } from "./routes/sync-recordset-counts";
import { registerTrashRecordset } from "./routes/trash-recordset";
import { registerUpdateRecordset } from "./routes/update-recordset";
import { registerUpdateRecordsetView } from "./routes/update-recordset-view";

/**
 * Recordsets (21 endpoints; POST /recordsets/{recordset_id}/enable-map lives in the geo module)
 * and CRUD - Recordsets (7). Hono runs the first matching route: the static /recordsets/trash…
 * and /crud/recordsets/sync-counts paths come before their parameterised siblings.
 */
export const recordsetsRouter = createRouter();

// Records & CRM / Recordsets
registerListRecordsets(recordsetsRouter);
registerCreateRecordset(recordsetsRouter);
registerListRecordsetTrash(recordsetsRouter);
registerRestoreRecordset(recordsetsRouter);
registerDeleteTrashedRecordset(recordsetsRouter);
registerGetRecordsetPipeline(recordsetsRouter);
registerCreateRecordsetPipeline(recordsetsRouter);
registerGetRecordset(recordsetsRouter);
registerUpdateRecordset(recordsetsRouter);
registerTrashRecordset(recordsetsRouter);
registerRecordsetPermissions(recordsetsRouter);
registerListRecordsetAccess(recordsetsRouter);
registerGrantRecordsetAccess(recordsetsRouter);
registerRevokeRecordsetMemberAccess(recordsetsRouter);
registerRevokeRecordsetTeamAccess(recordsetsRouter);
registerListRecordsetViews(recordsetsRouter);
registerCreateRecordsetView(recordsetsRouter);
registerUpdateRecordsetView(recordsetsRouter);
registerDeleteRecordsetView(recordsetsRouter);
registerResyncPromoted(recordsetsRouter);

// Records & CRM / CRUD - Recordsets
registerCrudListRecordsets(recordsetsRouter);
registerCrudCreateRecordset(recordsetsRouter);
registerSyncRecordsetCounts(recordsetsRouter);
registerCrudGetRecordset(recordsetsRouter);
registerCrudReplaceRecordset(recordsetsRouter);
registerCrudUpdateRecordset(recordsetsRouter);
registerCrudDeleteRecordset(recordsetsRouter);
