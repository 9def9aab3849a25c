import { chunksOf, readFrom } from "./bytes";

export class XlsxError extends Error {}

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  localOffset: number;
}

const u16 = (b: Uint8Array, o: number) => (b[o] as number) | ((b[o + 1] as number) << 8);
const u32 = (b: Uint8Array, o: number) => (u16(b, o) | (u16(b, o + 2) << 16)) >>> 0;

async function bytesAt(bucket: R2Bucket, key: string, offset: number, length: number): Promise<Uint8Array> {
  const obj = await bucket.get(key, { range: { offset, length } });
  if (!obj) throw new XlsxError("The file is gone");
  return new Uint8Array(await obj.arrayBuffer());
}

/**
 * The central directory of a zip stored in R2, read with two range requests (the end record,
 * then the directory): the archive itself is never loaded. ZIP64 archives are refused.
 */
async function zipEntries(bucket: R2Bucket, key: string, size: number): Promise<ZipEntry[]> {
  const notZip = () => new XlsxError("The file is not a valid .xlsx workbook (not a zip archive)");
  if (size < 22) throw notZip();
  const tailLen = Math.min(size, 22 + 0xffff);
  const tail = await bytesAt(bucket, key, size - tailLen, tailLen);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail[i] === 0x50 && tail[i + 1] === 0x4b && tail[i + 2] === 0x05 && tail[i + 3] === 0x06) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw notZip();
  const count = u16(tail, eocd + 10);
  const cdSize = u32(tail, eocd + 12);
  const cdOffset = u32(tail, eocd + 16);
  if (cdOffset === 0xffffffff || count === 0xffff) throw new XlsxError("ZIP64 workbooks are not supported");
  if (cdOffset + cdSize > size) throw notZip();
  const cd = await bytesAt(bucket, key, cdOffset, cdSize);
  const dec = new TextDecoder();
  const out: ZipEntry[] = [];
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (u32(cd, p) !== 0x02014b50) throw notZip();
    const method = u16(cd, p + 10);
    const compressedSize = u32(cd, p + 20);
    const nameLen = u16(cd, p + 28);
    const extraLen = u16(cd, p + 30);
    const commentLen = u16(cd, p + 32);
    const localOffset = u32(cd, p + 42);
    const name = dec.decode(cd.subarray(p + 46, p + 46 + nameLen));
    out.push({ name, method, compressedSize, localOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** One entry's uncompressed bytes, streamed (deflate via DecompressionStream("deflate-raw")). */
async function entryStream(bucket: R2Bucket, key: string, e: ZipEntry): Promise<ReadableStream<Uint8Array>> {
  const head = await bytesAt(bucket, key, e.localOffset, 30);
  if (u32(head, 0) !== 0x04034b50) throw new XlsxError("The workbook's zip archive is corrupt");
  const start = e.localOffset + 30 + u16(head, 26) + u16(head, 28);
  if (e.compressedSize === 0) return new Blob([]).stream() as ReadableStream<Uint8Array>;
  const body = await readFrom(bucket, key, start, e.compressedSize);
  if (!body) throw new XlsxError("The file is gone");
  if (e.method === 0) return body;
  if (e.method !== 8) throw new XlsxError(`Unsupported zip compression method ${e.method}`);
  return body.pipeThrough(new DecompressionStream("deflate-raw") as unknown as ReadableWritablePair<Uint8Array, Uint8Array>);
}

const ENTITY: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
export function xmlText(s: string): string {
  if (!s.includes("&")) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (_, e: string) =>
    e[0] === "#"
      ? String.fromCodePoint(e[1] === "x" ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10))
      : (ENTITY[e] ?? ""),
  );
}

/** Yields every complete `<tag …>…</tag>` (or `<tag …/>`) element of an XML stream, in order. */
async function* elements(stream: ReadableStream<Uint8Array>, tag: string): AsyncGenerator<string> {
  const dec = new TextDecoder();
  const open = `<${tag}`;
  const close = `</${tag}>`;
  let buf = "";
  const drain = function* (final: boolean): Generator<string> {
    let pos = 0;
    for (;;) {
      let s = buf.indexOf(open, pos);
      // `<c` must not match `<col`: the next character ends the name.
      while (s >= 0 && !/[\s/>]/.test(buf[s + open.length] ?? (final ? ">" : ""))) s = buf.indexOf(open, s + 1);
      if (s < 0) {
        pos = Math.max(pos, buf.length - open.length);
        break;
      }
      const gt = buf.indexOf(">", s);
      if (gt < 0) {
        pos = s;
        break;
      }
      if (buf[gt - 1] === "/") {
        yield buf.slice(s, gt + 1);
        pos = gt + 1;
        continue;
      }
      const e = buf.indexOf(close, gt);
      if (e < 0) {
        pos = s;
        break;
      }
      yield buf.slice(s, e + close.length);
      pos = e + close.length;
    }
    buf = buf.slice(pos);
  };
  for await (const chunk of chunksOf(stream)) {
    buf += dec.decode(chunk, { stream: true });
    yield* drain(false);
  }
  buf += dec.decode();
  yield* drain(true);
}

const attr = (tagText: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tagText)?.[1];

/** All text of `<t>` runs in an element (rich text runs concatenated; phonetic runs skipped). */
function textRuns(xml: string): string {
  const body = xml.replace(/<rPh\b[\s\S]*?<\/rPh>/g, "");
  let out = "";
  for (const m of body.matchAll(/<t\b[^>]*>([\s\S]*?)<\/t>|<t\b[^>]*\/>/g)) out += xmlText(m[1] ?? "");
  return out;
}

/** "AB12" → 27 (0-based column index). */
function columnIndex(ref: string | undefined, fallback: number): number {
  if (!ref) return fallback;
  let n = 0;
  for (const ch of ref) {
    const c = ch.charCodeAt(0);
    if (c < 65 || c > 90) break;
    n = n * 26 + (c - 64);
  }
  return n > 0 ? n - 1 : fallback;
}

// Built-in number formats that are dates (ECMA-376 18.8.30).
const DATE_FORMAT_IDS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47]);

/** Style index → whether the style formats a date (so serial numbers become ISO dates). */
async function dateStyles(bucket: R2Bucket, key: string, entry: ZipEntry | undefined): Promise<boolean[]> {
  if (!entry) return [];
  const custom = new Map<number, boolean>();
  const styles: boolean[] = [];
  let inXfs = false;
  const stream = await entryStream(bucket, key, entry);
  const text = await new Response(stream).text(); // styles.xml is small
  for (const m of text.matchAll(/<numFmt\b[^>]*>/g)) {
    const id = Number(attr(m[0], "numFmtId"));
    const code = xmlText(attr(m[0], "formatCode") ?? "")
      .replace(/"[^"]*"|\[[^\]]*\]/g, "")
      .toLowerCase();
    custom.set(id, /[dmy]/.test(code) && !/^[#0.,%\s]*$/.test(code));
  }
  const xfs = /<cellXfs\b[\s\S]*?<\/cellXfs>/.exec(text)?.[0] ?? "";
  inXfs = xfs.length > 0;
  if (inXfs) {
    for (const m of xfs.matchAll(/<xf\b[^>]*>/g)) {
      const id = Number(attr(m[0], "numFmtId") ?? 0);
      styles.push(DATE_FORMAT_IDS.has(id) || custom.get(id) === true);
    }
  }
  return styles;
}

/** Excel serial day → ISO date (1900 system; times kept when present). */
function serialToIso(serial: number): string {
  const ms = Math.round((serial - 25569) * 86400_000);
  const d = new Date(ms);
  return Number.isInteger(serial) ? d.toISOString().slice(0, 10) : d.toISOString();
}

/**
 * The rows of the first worksheet of an .xlsx in R2, as arrays of cell strings (sparse cells
 * filled with ""). Reads the zip's directory, the shared strings (held in memory: they are the
 * workbook's distinct texts) and streams the sheet XML row by row through DecompressionStream.
 */
export async function* xlsxRows(bucket: R2Bucket, key: string, size: number): AsyncGenerator<string[]> {
  const entries = await zipEntries(bucket, key, size);
  const byName = new Map(entries.map((e) => [e.name.replace(/^\/+/, ""), e]));
  const sheet =
    byName.get("xl/worksheets/sheet1.xml") ??
    entries.filter((e) => /^xl\/worksheets\/[^/]+\.xml$/.test(e.name)).sort((a, b) => a.name.localeCompare(b.name))[0];
  if (!sheet) throw new XlsxError("The file is a zip archive but not an .xlsx workbook (no worksheet)");
  const shared: string[] = [];
  const sst = byName.get("xl/sharedStrings.xml");
  try {
    if (sst) for await (const si of elements(await entryStream(bucket, key, sst), "si")) shared.push(textRuns(si));
    const isDate = await dateStyles(bucket, key, byName.get("xl/styles.xml"));
    for await (const row of elements(await entryStream(bucket, key, sheet), "row")) {
      const cells: string[] = [];
      for (const c of row.matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
        const attrs = c[1] ?? "";
        const inner = c[2] ?? "";
        const col = columnIndex(attr(attrs, "r"), cells.length);
        const t = attr(attrs, "t");
        const v = /<v\b[^>]*>([\s\S]*?)<\/v>/.exec(inner)?.[1];
        let value = "";
        if (t === "s") value = shared[Number(v)] ?? "";
        else if (t === "inlineStr") value = textRuns(inner);
        else if (t === "b") value = v === "1" ? "true" : v === "0" ? "false" : "";
        else if (t === "e") value = "";
        else if (v !== undefined) {
          value = xmlText(v);
          const s = Number(attr(attrs, "s") ?? -1);
          if ((t === undefined || t === "n") && isDate[s] && value !== "" && Number.isFinite(Number(value)))
            value = serialToIso(Number(value));
        }
        while (cells.length < col) cells.push("");
        cells[col] = value;
      }
      yield cells;
    }
  } catch (e) {
    if (e instanceof XlsxError) throw e;
    if (e instanceof TypeError || (e as Error)?.name === "TypeError") {
      throw new XlsxError("The workbook's zip archive is corrupt (its data does not decompress)");
    }
    throw e;
  }
}
