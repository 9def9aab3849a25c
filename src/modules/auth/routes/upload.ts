import type { UploadedFile } from "../service";

/** A multipart `file` field as bytes for the service (which knows nothing of forms). */
export async function fileFromForm(value: unknown): Promise<UploadedFile | undefined> {
  if (!(value instanceof File)) return undefined;
  return { type: value.type, size: value.size, bytes: new Uint8Array(await value.arrayBuffer()) };
}
