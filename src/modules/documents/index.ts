import { createRouter } from "../../platform/hono";
import { registerCreateDocument } from "./routes/create-document";
import { registerGetDocument } from "./routes/get-document";
import { registerGetDocumentFile } from "./routes/get-document-file";
import { registerGetDocumentSignedUrl } from "./routes/get-document-signed-url";
import { registerListDocuments } from "./routes/list-documents";
import { registerUploadDocument } from "./routes/upload-document";

/** Documents (30) and Uploads (1). Static paths before /documents/{document_id}. */
export const documentsRouter = createRouter();
registerListDocuments(documentsRouter);
registerCreateDocument(documentsRouter);
registerUploadDocument(documentsRouter);
registerGetDocument(documentsRouter);
registerGetDocumentFile(documentsRouter);
registerGetDocumentSignedUrl(documentsRouter);
