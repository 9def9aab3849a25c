import { chunksOf, concatBytes, indexOfBytes } from "./bytes";
import { ServiceError } from "./errors";

const enc = new TextEncoder();
const dec = new TextDecoder();
const CRLFCRLF = enc.encode("\r\n\r\n");
const MAX_FIELD_BYTES = 64 * 1024;
const MAX_HEADER_BYTES = 16 * 1024;

export interface MultipartFileMeta {
  field: string;
  filename: string;
  contentType: string;
}

export interface FileSink {
  write(b: Uint8Array): Promise<void>;
  /** Called when the part's last byte has been written (multiple-file reads finish each file here). */
  end?(): Promise<void>;
}

export interface MultipartOptions {
  /**
   * Every file part named `file` (or `files`, `upload`) goes to its own openFile() sink, each
   * within maxFileBytes, up to `maxFiles` (413 beyond). Default: only the first file part.
   */
  multiple?: { maxFiles: number };
}

/** The boundary of a multipart/form-data content type, or null. */
export function boundaryOf(contentType: string): string | null {
  if (!/^multipart\/form-data/i.test(contentType)) return null;
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2] ?? null) : null;
}

function partHeaders(raw: string) {
  const headers = new Map<string, string>();
  for (const line of raw.split("\r\n")) {
    const i = line.indexOf(":");
    if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  const cd = headers.get("content-disposition") ?? "";
  const name = /\bname="([^"]*)"/i.exec(cd)?.[1] ?? "";
  const filename = /\bfilename\*=UTF-8''([^;]+)/i.exec(cd)?.[1];
  const plain = /\bfilename="([^"]*)"/i.exec(cd)?.[1];
  return {
    name,
    filename: filename !== undefined ? decodeURIComponent(filename) : plain,
    contentType: headers.get("content-type") ?? "application/octet-stream",
  };
}

/**
 * Streams a multipart/form-data body: the first file part goes to `openFile()`'s sink as it
 * arrives (never buffered whole, so a 100 MB upload costs a few MiB of memory), text parts are
 * collected (64 KiB each at most). More than `maxFileBytes` in the file is a 413. With
 * `opts.multiple`, each file part gets its own sink (`files` lists them; `file` is the first).
 */
export async function streamMultipart(
  body: ReadableStream<Uint8Array>,
  boundary: string,
  maxFileBytes: number,
  openFile: (meta: MultipartFileMeta) => FileSink,
  opts: MultipartOptions = {},
): Promise<{
  fields: Record<string, string>;
  file: (MultipartFileMeta & { size: number }) | null;
  files: (MultipartFileMeta & { size: number })[];
}> {
  const delim = enc.encode(`\r\n--${boundary}`);
  const fields: Record<string, string> = {};
  let file: (MultipartFileMeta & { size: number }) | null = null;
  const files: (MultipartFileMeta & { size: number })[] = [];
  const fileFields = opts.multiple ? ["file", "files", "upload"] : ["file", "upload"];
  // A leading CRLF lets the first boundary match the same delimiter as the others.
  let buf: Uint8Array = enc.encode("\r\n");
  type State = "preamble" | "after" | "headers" | "body" | "done";
  let state = "preamble" as State;
  let part: { kind: "file"; sink: FileSink } | { kind: "field"; name: string; chunks: Uint8Array[]; size: number } | { kind: "skip" } = {
    kind: "skip",
  };

  const emit = async (b: Uint8Array) => {
    if (b.length === 0) return;
    if (part.kind === "file" && file) {
      file.size += b.length;
      if (file.size > maxFileBytes)
        throw new ServiceError("payload_too_large", `The file is larger than ${Math.round(maxFileBytes / 1048576)} MB`);
      await part.sink.write(b.slice());
    } else if (part.kind === "field") {
      part.size += b.length;
      if (part.size > MAX_FIELD_BYTES) throw new ServiceError("payload_too_large", `Form field "${part.name}" is too large`);
      part.chunks.push(b.slice());
    }
  };

  const step = async (eof: boolean): Promise<boolean> => {
    switch (state) {
      case "preamble": {
        const i = indexOfBytes(buf, delim);
        if (i < 0) {
          if (buf.length > MAX_HEADER_BYTES) buf = buf.slice(buf.length - delim.length);
          return false;
        }
        buf = buf.slice(i + delim.length);
        state = "after";
        return true;
      }
      case "after": {
        if (buf.length < 2) return false;
        if (buf[0] === 0x2d && buf[1] === 0x2d) {
          state = "done";
          return false;
        }
        // CRLF (or transport padding) before the part's headers.
        const nl = buf.indexOf(0x0a);
        if (nl < 0) return false;
        buf = buf.slice(nl + 1);
        state = "headers";
        return true;
      }
      case "headers": {
        const i = indexOfBytes(buf, CRLFCRLF);
        // A part with no headers at all starts with the blank line directly.
        const empty = buf[0] === 0x0d && buf[1] === 0x0a;
        if (i < 0 && !empty) {
          if (buf.length > MAX_HEADER_BYTES) throw new ServiceError("bad_request", "Malformed multipart body (part headers too long)");
          return false;
        }
        const h = partHeaders(empty ? "" : dec.decode(buf.subarray(0, i)));
        buf = buf.slice(empty ? 2 : i + 4);
        if (h.filename !== undefined && (!file || opts.multiple) && fileFields.includes(h.name)) {
          if (opts.multiple && files.length >= opts.multiple.maxFiles) {
            throw new ServiceError("payload_too_large", `At most ${opts.multiple.maxFiles} files per request`);
          }
          file = { field: h.name, filename: h.filename, contentType: h.contentType, size: 0 };
          files.push(file);
          part = { kind: "file", sink: openFile(file) };
        } else if (h.filename === undefined && h.name) part = { kind: "field", name: h.name, chunks: [], size: 0 };
        else part = { kind: "skip" };
        state = "body";
        return true;
      }
      case "body": {
        const i = indexOfBytes(buf, delim);
        if (i < 0) {
          // Keep a tail that could be the start of the delimiter.
          const keep = Math.min(buf.length, delim.length - 1);
          await emit(buf.subarray(0, buf.length - keep));
          buf = buf.slice(buf.length - keep);
          if (eof) throw new ServiceError("bad_request", "Malformed multipart body (it ends inside a part)");
          return false;
        }
        await emit(buf.subarray(0, i));
        if (part.kind === "file") await part.sink.end?.();
        if (part.kind === "field") fields[part.name] = dec.decode(concatBytes(part.chunks));
        buf = buf.slice(i + delim.length);
        state = "after";
        return true;
      }
      default:
        return false;
    }
  };

  for await (const chunk of chunksOf(body, { requestBody: true })) {
    buf = buf.length ? concatBytes([buf, chunk]) : chunk;
    while (await step(false)) {}
    if ((state as State) === "done") break;
  }
  if ((state as State) !== "done") {
    while (await step(true)) {}
    if ((state as State) !== "done") throw new ServiceError("bad_request", "Malformed multipart body (no closing boundary)");
  }
  return { fields, file: files[0] ?? null, files };
}
