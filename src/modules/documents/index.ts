import { createRouter } from "../../platform/hono";
import { registerBulkDeleteDocuments } from "./routes/bulk-delete-documents";
import { registerCreateDocument } from "./routes/create-document";
import { registerCreateDocumentLink } from "./routes/create-document-link";
import { registerDeleteDocument } from "./routes/delete-document";
import { registerDeleteDocumentLink } from "./routes/delete-document-link";
import { registerDeleteDocumentRelationship } from "./routes/delete-document-relationship";
import { registerEntityDocuments } from "./routes/entity-documents";
import { registerGetDocument } from "./routes/get-document";
import { registerGetDocumentFile } from "./routes/get-document-file";
import { registerGetDocumentSignedUrl } from "./routes/get-document-signed-url";
import { registerLinkableEntities } from "./routes/linkable-entities";
import { registerListDocumentLinks } from "./routes/list-document-links";
import { registerListDocumentRelationships } from "./routes/list-document-relationships";
import { registerListDocumentVersions } from "./routes/list-document-versions";
import { registerListDocuments } from "./routes/list-documents";
import { registerRestoreDocumentVersion } from "./routes/restore-document-version";
import { registerSaveDocumentRelationships } from "./routes/save-document-relationships";
import { registerSetDocumentStatus } from "./routes/set-document-status";
import { registerUpdateDocument } from "./routes/update-document";
import { registerUploadDocument } from "./routes/upload-document";
import { registerUploadDocumentVersion } from "./routes/upload-document-version";

/**
 * Documents (28 of 30: ai-summary and relationships/suggestions live in the knowledge module)
 * and Uploads (1). Static paths before /documents/{document_id}.
 */
export const documentsRouter = createRouter();
registerListDocuments(documentsRouter);
registerCreateDocument(documentsRouter);
registerLinkableEntities(documentsRouter);
registerEntityDocuments(documentsRouter);
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
registerListDocumentLinks(documentsRouter);
registerCreateDocumentLink(documentsRouter);
registerDeleteDocumentLink(documentsRouter);
registerListDocumentRelationships(documentsRouter);
registerSaveDocumentRelationships(documentsRouter);
registerDeleteDocumentRelationship(documentsRouter);
