export { createDocument, documentView, getDocument, insertDocument, listDocuments, selectDocuments } from "./crud";
export { documentFileUrl } from "./files";
export { resolveLinkTarget } from "./targets";
export { DOCUMENT_MAX_BYTES, parseUploadFields, receiveFile, uploadDocument } from "./upload";
