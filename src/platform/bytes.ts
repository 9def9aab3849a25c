/** Byte helpers shared by the streaming parsers and writers (imports, document uploads): R2 multipart writes, ranged reads. */

export function concatBytes(chunks: Uint8Array[], total?: number): Uint8Array {
  const size = total ?? chunks.reduce((n, c) => n + c.length, 0);
  if (chunks.length === 1 && chunks[0]?.length === size) return chunks[0] as Uint8Array;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * A response body as text, read no further than `limit` bytes (a declared larger length is refused
 * before reading); `tooLarge` is what is thrown past it.
 */
export async function readTextCapped(res: Response, limit: number, tooLarge: () => Error): Promise<string> {
  if (Number(res.headers.get("content-length") ?? "") > limit) {
    await res.body?.cancel();
    throw tooLarge();
  }
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(concatBytes(chunks, size));
}

/** First index of `needle` in `hay` at or after `from`, or -1. */
export function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0];
  const n = needle.length;
  const last = hay.length - n;
  outer: for (let i = hay.indexOf(first as number, from); i !== -1 && i <= last; i = hay.indexOf(first as number, i + 1)) {
    for (let j = 1; j < n; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

// R2 multipart: every part but the last must be at least 5 MiB and all of the same size.
const PART_BYTES = 5 * 1024 * 1024;

/**
 * Writes an object to R2 from a stream of unknown length without holding it: bytes are buffered
 * and shipped as equal 5 MiB multipart parts; an object that stays under one part is a single put.
 */
export class R2BytesWriter {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private upload: R2MultipartUpload | undefined;
  private parts: R2UploadedPart[] = [];
  size = 0;

  constructor(
    private readonly bucket: R2Bucket,
    readonly key: string,
    private readonly options: R2MultipartOptions = {},
    private readonly partBytes = PART_BYTES,
  ) {}

  async write(b: Uint8Array): Promise<void> {
    if (b.length === 0) return;
    this.chunks.push(b);
    this.buffered += b.length;
    this.size += b.length;
    while (this.buffered >= this.partBytes) await this.shipPart();
  }

  private async shipPart(): Promise<void> {
    const all = concatBytes(this.chunks, this.buffered);
    const part = all.slice(0, this.partBytes);
    const rest = all.slice(this.partBytes);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    this.upload ??= await this.bucket.createMultipartUpload(this.key, this.options);
    this.parts.push(await this.upload.uploadPart(this.parts.length + 1, part));
  }

  async finish(): Promise<void> {
    const rest = concatBytes(this.chunks, this.buffered);
    this.chunks = [];
    this.buffered = 0;
    if (!this.upload) {
      await this.bucket.put(this.key, rest, this.options);
      return;
    }
    if (rest.length) this.parts.push(await this.upload.uploadPart(this.parts.length + 1, rest));
    await this.upload.complete(this.parts);
  }

  async abort(): Promise<void> {
    await this.upload?.abort().catch(() => {});
  }
}

const enc = new TextEncoder();

/** Text on top of R2BytesWriter (CSV reports, NDJSON), encoded as it comes. */
export class R2TextSink {
  private pending: string[] = [];
  private pendingLength = 0;
  constructor(readonly out: R2BytesWriter) {}
  async write(text: string): Promise<void> {
    this.pending.push(text);
    this.pendingLength += text.length;
    // Encode in ~256 KiB batches: fewer, larger copies.
    if (this.pendingLength >= 256 * 1024) await this.flush();
  }
  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const s = this.pending.join("");
    this.pending = [];
    this.pendingLength = 0;
    await this.out.write(enc.encode(s));
  }
  async finish(): Promise<void> {
    await this.flush();
    await this.out.finish();
  }
  get size(): number {
    return this.out.size + this.pendingLength;
  }
}

/** The object's bytes from `offset` (to the end, or `length` bytes), streamed; null if missing. */
export async function readFrom(bucket: R2Bucket, key: string, offset = 0, length?: number): Promise<ReadableStream<Uint8Array> | null> {
  const range = length !== undefined ? { offset, length } : { offset };
  const obj = await bucket.get(key, offset > 0 || length !== undefined ? { range } : {});
  return obj ? (obj.body as ReadableStream<Uint8Array>) : null;
}

/**
 * Iterates a byte stream. Leaving the loop early (break, return, throw) cancels a stored object's
 * stream; a request body (`requestBody`) is drained and released instead (releaseRequestBody).
 */
export async function* chunksOf(stream: ReadableStream<Uint8Array>, opts: { requestBody?: boolean } = {}): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let done = false;
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) {
        done = true;
        return;
      }
      if (r.value?.length) yield r.value;
    }
  } finally {
    if (done) reader.releaseLock();
    else if (opts.requestBody) await releaseRequestBody(reader);
    else await reader.cancel().catch(() => {});
  }
}

/** How much of an abandoned request body is read and discarded, at most. */
export const DRAIN_BYTES = 8 * 1024 * 1024;

/**
 * For a request body the handler stops reading early (an error mid-upload): reads and discards
 * the rest, up to `max` bytes, then releases it. Cancelling it instead fails the client's upload
 * mid-send, and under `wrangler dev` brings the whole dev server down.
 */
export async function releaseRequestBody(reader: ReadableStreamDefaultReader<Uint8Array>, max = DRAIN_BYTES): Promise<void> {
  try {
    for (let n = 0; n < max; ) {
      const { value, done } = await reader.read();
      if (done) break;
      n += value?.length ?? 0;
    }
  } catch {
    // The client went away: nothing left to drain.
  }
  reader.releaseLock();
}

/**
 * zip.js's random-access reader over an R2 object: ranged reads, and each entry's compressed
 * bytes as one streamed range (zip.js would read them in 512 KiB requests). `gone` makes the
 * error for an object that disappeared (each caller reports it in its own terms).
 */
export class R2ZipReader {
  constructor(
    private readonly bucket: R2Bucket,
    private readonly key: string,
    readonly size: number,
    private readonly gone: () => Error = () => new Error("The file is gone"),
  ) {}

  async readUint8Array(offset: number, length: number): Promise<Uint8Array> {
    if (length === 0) return new Uint8Array(0);
    const obj = await this.bucket.get(this.key, { range: { offset, length } });
    if (!obj) throw this.gone();
    return new Uint8Array(await obj.arrayBuffer());
  }

  createReadable({ offset = 0, size }: { offset?: number; size?: number } = {}): ReadableStream<Uint8Array> {
    // R2 refuses a zero-length range.
    if (size === 0) return new ReadableStream({ start: (c) => c.close() });
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    readFrom(this.bucket, this.key, offset, size)
      .then((body) => body ?? Promise.reject(this.gone()))
      .then(
        (body) => body.pipeTo(writable),
        (e) => writable.abort(e),
      )
      .catch(() => {}); // a failed read errors `readable`, which zip.js reports
    return readable;
  }

  get readable(): ReadableStream<Uint8Array> {
    return this.createReadable();
  }
}
