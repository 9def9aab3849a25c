import { chunksOf, readFrom } from "../../../platform/bytes";
import { CsvError, CsvParser, detectDelimiter } from "./csv";
import { JsonRowScanner, JsonShapeError } from "./json-stream";
import { XlsxError, xlsxRows } from "./xlsx";

export type FileType = "csv" | "xlsx" | "json" | "geojson";

/** A source row: values by column name; GeoJSON features bring their geometry; `error` = unusable row. */
export interface SourceRow {
  values: Record<string, unknown>;
  geometry?: Record<string, unknown> | null;
  error?: string;
}

/** A file that is not what it claims (bad zip, bad JSON, broken CSV quoting). */
export class BadFileError extends Error {}

export function fileTypeOf(name: string, contentType = ""): FileType | null {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  if (ext === "csv" || ext === "tsv" || ext === "txt") return "csv";
  if (ext === "xlsx") return "xlsx";
  if (ext === "geojson") return "geojson";
  if (ext === "json") return "json";
  const ct = contentType.toLowerCase();
  if (ct.includes("csv")) return "csv";
  if (ct.includes("spreadsheetml")) return "xlsx";
  if (ct.includes("geo+json")) return "geojson";
  if (ct.includes("json")) return "json";
  return null;
}

/** Header names made unique and non-empty ("" → column_3, a second "name" → name_2). */
export function uniqueHeaders(raw: string[]): string[] {
  const seen = new Map<string, number>();
  return raw.map((h, i) => {
    let name = h.trim() || `column_${i + 1}`;
    const n = (seen.get(name.toLowerCase()) ?? 0) + 1;
    seen.set(name.toLowerCase(), n);
    if (n > 1) name = `${name}_${n}`;
    return name;
  });
}

const dec = new TextDecoder();

/** The header record of a CSV in R2: names, delimiter and the byte offset where data starts. */
export async function csvHeader(bucket: R2Bucket, key: string): Promise<{ headers: string[]; delimiter: number; dataOffset: number }> {
  const obj = await bucket.get(key, { range: { offset: 0, length: 64 * 1024 } });
  if (!obj) throw new BadFileError("The uploaded file is gone");
  const head = new Uint8Array(await obj.arrayBuffer());
  const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  const firstLine = dec.decode(head.subarray(bom, Math.min(head.length, 8192))).split(/\r?\n/)[0] ?? "";
  if (firstLine.includes("\u0000")) throw new BadFileError("The file is not a text CSV file (it holds binary data)");
  const delimiter = detectDelimiter(firstLine);
  const p = await CsvParser.open(bom, delimiter);
  let [first] = await p.feed(head.subarray(bom));
  if (!first && head.length < 64 * 1024) [first] = await p.end();
  if (!first) throw new BadFileError("The CSV file has no header row");
  return { headers: uniqueHeaders(first.fields), delimiter, dataOffset: first.end };
}

/** CSV records (as arrays) from `offset`, each with the byte offset after it. */
export async function* csvRecords(bucket: R2Bucket, key: string, offset: number, delimiter: number) {
  const body = await readFrom(bucket, key, offset);
  if (!body) throw new BadFileError("The uploaded file is gone");
  const p = await CsvParser.open(offset, delimiter);
  try {
    for await (const chunk of chunksOf(body)) yield* await p.feed(chunk);
    yield* await p.end();
  } catch (e) {
    if (e instanceof CsvError) throw new BadFileError(e.message);
    throw e;
  }
}

const toObject = (headers: string[], cells: string[]) => {
  const values: Record<string, unknown> = {};
  headers.forEach((h, i) => {
    values[h] = cells[i] ?? "";
  });
  return values;
};

function featureRow(el: unknown, geojson: boolean): SourceRow {
  if (el === null || typeof el !== "object" || Array.isArray(el)) return { values: {}, error: "The row is not a JSON object" };
  const o = el as Record<string, unknown>;
  if (o.type === "Feature" || geojson) {
    if (o.type !== "Feature") return { values: {}, error: "The element is not a GeoJSON Feature" };
    const props = o.properties && typeof o.properties === "object" && !Array.isArray(o.properties) ? o.properties : {};
    const g = o.geometry && typeof o.geometry === "object" ? (o.geometry as Record<string, unknown>) : null;
    // The geometry becomes the "geometry" column (a geo field), so it maps and validates like any value.
    return { values: { ...(props as Record<string, unknown>), geometry: g } };
  }
  return { values: o };
}

/**
 * Every row of an uploaded file, streamed from R2 (never the whole file in memory). `headers`
 * is filled as rows arrive (CSV/xlsx: the first row; JSON: the union of keys in order of appearance).
 */
export async function* sourceRows(
  bucket: R2Bucket,
  key: string,
  type: FileType,
  size: number,
  headers: string[],
): AsyncGenerator<SourceRow> {
  try {
    if (type === "csv") {
      const h = await csvHeader(bucket, key);
      headers.push(...h.headers);
      for await (const r of csvRecords(bucket, key, h.dataOffset, h.delimiter)) yield { values: toObject(h.headers, r.fields) };
      return;
    }
    if (type === "xlsx") {
      let first = true;
      for await (const cells of xlsxRows(bucket, key, size)) {
        if (first) {
          headers.push(...uniqueHeaders(cells));
          first = false;
          continue;
        }
        if (cells.every((c) => c === "")) continue;
        for (let i = headers.length; i < cells.length; i++) if (cells[i] !== "") headers.push(`column_${i + 1}`);
        yield { values: toObject(headers, cells) };
      }
      if (first) throw new BadFileError("The worksheet is empty (no header row)");
      return;
    }
    const body = await readFrom(bucket, key);
    if (!body) throw new BadFileError("The uploaded file is gone");
    const scanner = new JsonRowScanner();
    const known = new Set<string>();
    for await (const chunk of chunksOf(body)) {
      for (const el of scanner.feed(chunk)) {
        const row = featureRow(el, scanner.kind === "object");
        for (const k of Object.keys(row.values)) {
          if (!known.has(k)) {
            known.add(k);
            headers.push(k);
          }
        }
        yield row;
      }
    }
    scanner.end();
  } catch (e) {
    if (e instanceof JsonShapeError || e instanceof XlsxError || e instanceof CsvError) throw new BadFileError(e.message);
    throw e;
  }
}

/** JSON files holding a FeatureCollection are GeoJSON whatever their extension. */
export async function sniffJsonType(bucket: R2Bucket, key: string): Promise<FileType> {
  const obj = await bucket.get(key, { range: { offset: 0, length: 1024 } });
  const text = obj ? (await obj.text()).replace(/^\uFEFF/, "").trimStart() : "";
  return text.startsWith("{") ? "geojson" : "json";
}
