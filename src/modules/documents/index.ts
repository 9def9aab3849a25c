import { createRouter } from "../../platform/hono";
import { registerBulkDeleteDocuments } from "./routes/bulk-delete-documents";
import { registerCreateDocument } from "./routes/create-document";
import { registerDeleteDocument } from "./routes/delete-document";
import { registerGetDocument } from "./routes/get-document";
import { registerGetDocumentFile } from "./routes/get-document-file";
import { registerGetDocumentSignedUrl } from "./routes/get-document-signed-url";
import { registerListDocumentVersions } from "./routes/list-document-versions";
import { registerListDocuments } from "./routes/list-documents";
import { registerRestoreDocumentVersion } from "./routes/restore-document-version";
import { registerSetDocumentStatus } from "./routes/set-document-status";
import { registerUpdateDocument } from "./routes/update-document";
import { registerUploadDocument } from "./routes/upload-document";
import { registerUploadDocumentVersion } from "./routes/upload-document-version";

/**
 * Documents and Uploads. Static paths before /documents/{document_id}.
 */
export const documentsRouter = createRouter();
registerListDocuments(documentsRouter);
registerCreateDocument(documentsRouter);
registerUploadDocument(documentsRouter);
registerBulkDeleteDocuments(documentsRouter);
registerGetDocument(documentsRouter);
registerUpdateDocument(documentsRouter);
registerDeleteDocument(documentsRouter);
registerGetDocumentFile(documentsRouter);
registerGetDocumentSignedUrl(documentsRouter);
registerSetDocumentStatus(documentsRouter);
registerListDocumentVersions(documentsRouter);
registerUploadDocumentVersion(documentsRouter);
registerRestoreDocumentVersion(documentsRouter);
