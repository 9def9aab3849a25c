import { createRouter } from "../../platform/hono";
import { registerBulkDeleteRecords } from "./routes/bulk-delete-records";
import { registerCreateRecord } from "./routes/create-record";
import { registerCreateRecordComment } from "./routes/create-record-comment";
import { registerCreateRecordRelationship } from "./routes/create-record-relationship";
import { registerCrudCreateRecord } from "./routes/crud-create-record";
import { registerCrudDeleteRecord } from "./routes/crud-delete-record";
import { registerCrudGetRecord } from "./routes/crud-get-record";
import { registerCrudListRecords } from "./routes/crud-list-records";
import { registerCrudPatchRecord } from "./routes/crud-patch-record";
import { registerCrudReplaceRecord } from "./routes/crud-replace-record";
import { registerDeleteRecord } from "./routes/delete-record";
import { registerDeleteRecordAttachment } from "./routes/delete-record-attachment";
import { registerDismissRecord } from "./routes/dismiss-record";
import { registerGetRecord } from "./routes/get-record";
import { registerListRecordAttachments } from "./routes/list-record-attachments";
import { registerListRecordComments } from "./routes/list-record-comments";
import { registerListRecordHistory } from "./routes/list-record-history";
import { registerListRecordRelationships } from "./routes/list-record-relationships";
import { registerListRecords } from "./routes/list-records";
import { registerRestoreRecordVersion } from "./routes/restore-record-version";
import { registerUpdateRecord } from "./routes/update-record";
import { registerUploadRecordAttachment } from "./routes/upload-record-attachment";

/**
 * Records (13 of the 15 endpoints of "Records & CRM / Records"; the map stream and the spatial
 * filter live in the geo module), "CRUD - Records" (6) and "CRUD - Record Attachments" (3).
 * Static paths (/records/bulk-delete) come before /records/{record_id}.
 */
export const recordsRouter = createRouter();
registerListRecords(recordsRouter);
registerCreateRecord(recordsRouter);
registerBulkDeleteRecords(recordsRouter);
registerGetRecord(recordsRouter);
registerUpdateRecord(recordsRouter);
registerDeleteRecord(recordsRouter);
registerListRecordComments(recordsRouter);
registerCreateRecordComment(recordsRouter);
registerListRecordHistory(recordsRouter);
registerRestoreRecordVersion(recordsRouter);
registerListRecordRelationships(recordsRouter);
registerCreateRecordRelationship(recordsRouter);
registerDismissRecord(recordsRouter);
registerCrudListRecords(recordsRouter);
registerCrudCreateRecord(recordsRouter);
registerCrudGetRecord(recordsRouter);
registerCrudReplaceRecord(recordsRouter);
registerCrudPatchRecord(recordsRouter);
registerCrudDeleteRecord(recordsRouter);
registerListRecordAttachments(recordsRouter);
registerUploadRecordAttachment(recordsRouter);
registerDeleteRecordAttachment(recordsRouter);
