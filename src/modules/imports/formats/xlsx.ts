import type { Entry, FileEntry } from "@zip.js/zip.js";
import { chunksOf, R2ZipReader } from "../../../platform/bytes";

export class XlsxError extends Error {}

// zip.js (reader only) and htmlparser2 are loaded by the verbs that read workbooks.
const load = () => Promise.all([import("@zip.js/zip.js/lib/zip-core-reader.js"), import("htmlparser2")]);

const ZIP_OPTIONS = { useWebWorkers: false, useCompressionStream: true } as const;

/** An entry's uncompressed bytes as text, streamed (zip.js inflates with DecompressionStream). */
async function* entryText(entry: FileEntry): AsyncGenerator<string> {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const done = entry.getData(writable, ZIP_OPTIONS);
  // Its failure also errors `readable`; awaited below so a bad archive surfaces once.
  done.catch(() => {});
  const dec = new TextDecoder();
  for await (const chunk of chunksOf(readable)) yield dec.decode(chunk, { stream: true });
  await done;
  const tail = dec.decode();
  if (tail) yield tail;
}

type Handlers = {
  open(name: string, attrs: Record<string, string>): void;
  text?(text: string): void;
  close?(name: string): void;
};

/** Feeds an entry's XML through htmlparser2 (XML mode, entities decoded; `x:` prefixes dropped). */
async function* parseXml<T>(entry: FileEntry, h: Handlers, ready: T[]): AsyncGenerator<T> {
  const [, { Parser }] = await load();
  const local = (name: string) => name.slice(name.indexOf(":") + 1);
  const parser = new Parser(
    {
      onopentag: (name, attrs) => h.open(local(name), attrs),
      ontext: h.text,
      onclosetag: h.close && ((name) => h.close?.(local(name))),
    },
    { xmlMode: true, decodeEntities: true },
  );
  for await (const text of entryText(entry)) {
    parser.write(text);
    if (ready.length) yield* ready.splice(0);
  }
  parser.end();
  yield* ready.splice(0);
}

/** Text of each `<si>` (rich-text runs concatenated; phonetic `<rPh>` runs skipped). */
async function sharedStrings(entry: FileEntry | undefined): Promise<string[]> {
  if (!entry) return [];
  const out: string[] = [];
  let text: string | null = null;
  let inT = false;
  let inPhonetic = false;
  const ready: never[] = [];
  for await (const _ of parseXml(
    entry,
    {
      open(name) {
        if (name === "si") text = "";
        else if (name === "t") inT = !inPhonetic;
        else if (name === "rPh") inPhonetic = true;
      },
      text(t) {
        if (inT && text !== null) text += t;
      },
      close(name) {
        if (name === "t") inT = false;
        else if (name === "rPh") inPhonetic = false;
        else if (name === "si") {
          out.push(text ?? "");
          text = null;
        }
      },
    },
    ready,
  ));
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
async function dateStyles(entry: FileEntry | undefined): Promise<boolean[]> {
  if (!entry) return [];
  const custom = new Map<number, boolean>();
  const styles: boolean[] = [];
  let inXfs = false;
  for await (const _ of parseXml<never>(
    entry,
    {
      open(name, attrs) {
        if (name === "numFmt") {
          const code = (attrs.formatCode ?? "").replace(/"[^"]*"|\[[^\]]*\]/g, "").toLowerCase();
          custom.set(Number(attrs.numFmtId), /[dmy]/.test(code) && !/^[#0.,%\s]*$/.test(code));
        } else if (name === "cellXfs") inXfs = true;
        else if (name === "xf" && inXfs) {
          const id = Number(attrs.numFmtId ?? 0);
          styles.push(DATE_FORMAT_IDS.has(id) || custom.get(id) === true);
        }
      },
      close(name) {
        if (name === "cellXfs") inXfs = false;
      },
    },
    [],
  ));
  return styles;
}

/** Excel serial day → ISO date (1900 system; times kept when present). */
function serialToIso(serial: number): string {
  const ms = Math.round((serial - 25569) * 86400_000);
  const d = new Date(ms);
  return Number.isInteger(serial) ? d.toISOString().slice(0, 10) : d.toISOString();
}

/** Maps zip.js's errors (plain Errors whose message is one of its ERR_ constants) to what the uploader should hear. */
function xlsxError(e: unknown, z: typeof import("@zip.js/zip.js/lib/zip-core-reader.js")): unknown {
  if (e instanceof XlsxError) return e;
  const msg = (e as Error)?.message;
  const notZip = [z.ERR_BAD_FORMAT, z.ERR_EOCDR_NOT_FOUND, z.ERR_CENTRAL_DIRECTORY_NOT_FOUND, z.ERR_SPLIT_ZIP_FILE];
  if (notZip.includes(msg)) return new XlsxError("The file is not a valid .xlsx workbook (not a zip archive)");
  if ([z.ERR_ENCRYPTED, z.ERR_UNSUPPORTED_ENCRYPTION, z.ERR_ENCRYPTED_CENTRAL_DIRECTORY].includes(msg))
    return new XlsxError("The workbook is encrypted (password protected): save it without a password");
  if (msg === z.ERR_UNSUPPORTED_COMPRESSION) return new XlsxError("The workbook's zip archive uses an unsupported compression method");
  // Anything else from the archive or the inflater: corrupt data.
  if (e instanceof TypeError || (typeof msg === "string" && Object.values(z).includes(msg)))
    return new XlsxError("The workbook's zip archive is corrupt (its data does not decompress)");
  return e;
}

/** Opens a workbook: its worksheet entries in workbook order (with their names), shared strings and date styles. */
async function openWorkbook(zip: { getEntries(): Promise<Entry[]> }) {
  const files = (await zip.getEntries()).filter((e: Entry): e is FileEntry => !e.directory);
  const byName = new Map(files.map((e) => [e.filename.replace(/^\/+/, ""), e]));
  const worksheets = files
    .filter((e) => /^\/?xl\/worksheets\/[^/]+\.xml$/.test(e.filename))
    .sort((a, b) => a.filename.localeCompare(b.filename, undefined, { numeric: true }));
  if (worksheets.length === 0) throw new XlsxError("The file is a zip archive but not an .xlsx workbook (no worksheet)");
  if (files.some((e) => e.encrypted)) throw new XlsxError("The workbook is encrypted (password protected): save it without a password");
  // One entry at a time: they are read from the same archive.
  const shared = await sharedStrings(byName.get("xl/sharedStrings.xml"));
  const isDate = await dateStyles(byName.get("xl/styles.xml"));
  const named = await sheetNames(byName);
  // Workbook order and names where workbook.xml gives them; sheets it does not name follow, by file name.
  const sheets: { name: string; entry: FileEntry }[] = [];
  for (const s of named) {
    const entry = byName.get(s.path);
    if (entry && !sheets.some((x) => x.entry === entry)) sheets.push({ name: s.name, entry });
  }
  for (const e of worksheets) {
    if (!sheets.some((x) => x.entry === e)) sheets.push({ name: e.filename.replace(/^.*\/|\.xml$/g, ""), entry: e });
  }
  return { sheets, shared, isDate, byName };
}

/** Sheet names and their part paths, from xl/workbook.xml and its relationships. */
async function sheetNames(byName: Map<string, FileEntry>): Promise<{ name: string; path: string }[]> {
  const wb = byName.get("xl/workbook.xml");
  const rels = byName.get("xl/_rels/workbook.xml.rels");
  if (!wb || !rels) return [];
  const targets = new Map<string, string>();
  for await (const _ of parseXml<never>(
    rels,
    {
      open(name, attrs) {
        if (name === "Relationship" && attrs.Id && attrs.Target) {
          const t = attrs.Target.replace(/^\/+/, "");
          targets.set(attrs.Id, t.startsWith("xl/") ? t : `xl/${t}`);
        }
      },
    },
    [],
  ));
  const out: { name: string; path: string }[] = [];
  for await (const _ of parseXml<never>(
    wb,
    {
      open(name, attrs) {
        if (name !== "sheet") return;
        const rid = attrs["r:id"] ?? Object.entries(attrs).find(([k]) => k.endsWith(":id"))?.[1];
        const path = rid ? targets.get(rid) : undefined;
        if (path) out.push({ name: attrs.name ?? path, path });
      },
    },
    [],
  ));
  return out;
}

/** One worksheet's rows as arrays of cell strings (sparse cells filled with ""), streamed. */
async function* sheetRows(entry: FileEntry, shared: string[], isDate: boolean[]): AsyncGenerator<string[]> {
  const ready: string[][] = [];
  let cells: string[] = [];
  let cell: { col: number; t?: string; s: number } | null = null;
  let v: string | null = null;
  let inline = "";
  let inV = false;
  let inT = false;
  let inPhonetic = false;
  yield* parseXml(
    entry,
    {
      open(name, attrs) {
        if (name === "row") cells = [];
        else if (name === "c") {
          cell = { col: columnIndex(attrs.r, cells.length), t: attrs.t, s: Number(attrs.s ?? -1) };
          v = null;
          inline = "";
        } else if (name === "v") {
          inV = true;
          v = "";
        } else if (name === "t") inT = !inPhonetic;
        else if (name === "rPh") inPhonetic = true;
      },
      text(text) {
        if (inV) v += text;
        else if (inT) inline += text;
      },
      close(name) {
        if (name === "v") inV = false;
        else if (name === "t") inT = false;
        else if (name === "rPh") inPhonetic = false;
        else if (name === "c" && cell) {
          const { t, s, col } = cell;
          let value = "";
          if (t === "s") value = shared[Number(v)] ?? "";
          else if (t === "inlineStr") value = inline;
          else if (t === "b") value = v === "1" ? "true" : v === "0" ? "false" : "";
          else if (t === "e") value = "";
          else if (v !== null) {
            value = v;
            if ((t === undefined || t === "n") && isDate[s] && value !== "" && Number.isFinite(Number(value)))
              value = serialToIso(Number(value));
          }
          while (cells.length < col) cells.push("");
          cells[col] = value;
          cell = null;
        } else if (name === "row") ready.push(cells);
      },
    },
    ready,
  );
}

/**
 * The rows of the first worksheet of an .xlsx in R2, as arrays of cell strings (sparse cells
 * filled with ""). zip.js reads the archive's directory with ranged reads (the archive is never
 * loaded); the shared strings are held in memory (they are the workbook's distinct texts) and
 * the sheet XML is streamed through htmlparser2 row by row.
 */
export async function* xlsxRows(bucket: R2Bucket, key: string, size: number): AsyncGenerator<string[]> {
  const [z] = await load();
  const zip = new z.ZipReader(new R2ZipReader(bucket, key, size, () => new XlsxError("The file is gone")), ZIP_OPTIONS);
  try {
    const wb = await openWorkbook(zip);
    const first =
      wb.byName.get("xl/worksheets/sheet1.xml") ?? wb.sheets.map((s) => s.entry).sort((a, b) => a.filename.localeCompare(b.filename))[0];
    if (first) yield* sheetRows(first, wb.shared, wb.isDate);
  } catch (e) {
    throw xlsxError(e, z);
  } finally {
    await zip.close().catch(() => {});
  }
}

/** Every worksheet of an .xlsx in R2, in workbook order, row by row with the sheet's name (knowledge: one sheet, one section). */
export async function* xlsxWorkbookRows(bucket: R2Bucket, key: string, size: number): AsyncGenerator<{ sheet: string; cells: string[] }> {
  const [z] = await load();
  const zip = new z.ZipReader(new R2ZipReader(bucket, key, size, () => new XlsxError("The file is gone")), ZIP_OPTIONS);
  try {
    const wb = await openWorkbook(zip);
    for (const s of wb.sheets) {
      for await (const cells of sheetRows(s.entry, wb.shared, wb.isDate)) yield { sheet: s.name, cells };
    }
  } catch (e) {
    throw xlsxError(e, z);
  } finally {
    await zip.close().catch(() => {});
  }
}
