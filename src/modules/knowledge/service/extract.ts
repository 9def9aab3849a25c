import { xlsxWorkbookRows } from "../../imports/formats/xlsx";

/** A stretch of a document's text: under one heading path (or sheet), on one page (PDF). */
export interface Section {
  /** Heading path ("Pricing > Enterprise"), sheet name, or null. */
  heading: string | null;
  page: number | null;
  text: string;
}

/** The file cannot be indexed (corrupt, unsupported, too large, no text): the document fails with this reason, no retry. */
export class UnreadableFileError extends Error {}

export type SourceFormat = "pdf" | "docx" | "xlsx" | "html" | "markdown" | "csv" | "text";

/** Files larger than this are not extracted (the parsers hold a file in memory). */
export const MAX_EXTRACT_BYTES = 25 * 1024 * 1024;
/** Extracted text beyond this is dropped (a few hundred thousand tokens). */
export const MAX_TEXT_CHARS = 2_000_000;
/** Wall-clock budget of one extraction; a file that takes longer is failed, not retried forever. */
export const EXTRACT_TIMEOUT_MS = 20_000;
const MAX_SHEET_ROWS = 20_000;

const BY_EXTENSION: Record<string, SourceFormat> = {
  pdf: "pdf",
  docx: "docx",
  xlsx: "xlsx",
  html: "html",
  htm: "html",
  md: "markdown",
  markdown: "markdown",
  csv: "csv",
  txt: "text",
  text: "text",
  log: "text",
  json: "text",
};

const BY_TYPE: Record<string, SourceFormat> = {
  "application/pdf": "pdf",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
  "text/html": "html",
  "application/xhtml+xml": "html",
  "text/markdown": "markdown",
  "text/x-markdown": "markdown",
  "text/csv": "csv",
  "text/plain": "text",
  "application/json": "text",
};

/** The format to read a file as: by extension first (uploads often say application/octet-stream), then by content type. */
export function formatOf(fileName: string, contentType: string): SourceFormat | null {
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  if (ext && BY_EXTENSION[ext]) return BY_EXTENSION[ext];
  return BY_TYPE[contentType.split(";")[0]?.trim().toLowerCase() ?? ""] ?? null;
}

/**
 * The text of one stored file, in sections. Throws UnreadableFileError for anything that will
 * not get better by retrying (unsupported type, too large, corrupt, no text, too slow).
 */
export async function extractSections(
  bucket: R2Bucket,
  file: { key: string; fileName: string; contentType: string },
): Promise<{ format: SourceFormat; sections: Section[]; truncated: boolean }> {
  const format = formatOf(file.fileName, file.contentType);
  if (!format) {
    throw new UnreadableFileError(
      `Unsupported file type (${file.contentType || "unknown"}, ${file.fileName}): PDF, DOCX, XLSX, HTML, Markdown, CSV and plain text can be indexed`,
    );
  }
  const head = await bucket.head(file.key);
  if (!head) throw new UnreadableFileError("The stored file is gone");
  if (head.size > MAX_EXTRACT_BYTES) {
    throw new UnreadableFileError(
      `The file is ${Math.ceil(head.size / 1024 / 1024)} MB; files up to ${MAX_EXTRACT_BYTES / 1024 / 1024} MB are indexed`,
    );
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new UnreadableFileError(`Reading the file took longer than ${EXTRACT_TIMEOUT_MS / 1000} s`)),
      EXTRACT_TIMEOUT_MS,
    );
  });
  try {
    const sections = await Promise.race([read(bucket, file.key, head.size, format), timeout]);
    const capped = capText(sections.filter((s) => s.text.trim() !== ""));
    if (capped.sections.length === 0) {
      throw new UnreadableFileError(
        format === "pdf" ? "No text found in the PDF (a scanned PDF needs OCR first)" : "No text found in the file",
      );
    }
    return { format, ...capped };
  } catch (e) {
    if (e instanceof UnreadableFileError) throw e;
    // Parser errors are the file's fault: a corrupt or mislabelled file.
    throw new UnreadableFileError(
      `The ${format.toUpperCase()} file could not be read: ${String((e as Error)?.message ?? e).slice(0, 200)}`,
    );
  } finally {
    clearTimeout(timer);
  }
}

function capText(sections: Section[]): { sections: Section[]; truncated: boolean } {
  let left = MAX_TEXT_CHARS;
  const out: Section[] = [];
  for (const s of sections) {
    if (left <= 0) return { sections: out, truncated: true };
    out.push(s.text.length > left ? { ...s, text: s.text.slice(0, left) } : s);
    left -= s.text.length;
  }
  return { sections: out, truncated: left < 0 };
}

async function bytesOf(bucket: R2Bucket, key: string): Promise<Uint8Array> {
  const obj = await bucket.get(key);
  if (!obj) throw new UnreadableFileError("The stored file is gone");
  return new Uint8Array(await obj.arrayBuffer());
}

/** UTF-8 text (a BOM dropped); binary data or another encoding is refused rather than indexed as garbage. */
function utf8(bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new UnreadableFileError("The file is not valid UTF-8 text");
  }
  if (text.includes("\0")) throw new UnreadableFileError("The file holds binary data, not text");
  return text.replace(/^\uFEFF/, "");
}

async function read(bucket: R2Bucket, key: string, size: number, format: SourceFormat): Promise<Section[]> {
  switch (format) {
    case "pdf":
      return pdfSections(await bytesOf(bucket, key));
    case "docx":
      return docxSections(await bytesOf(bucket, key));
    case "xlsx":
      return xlsxSections(bucket, key, size);
    case "html":
      return markdownSections(await htmlToMarkdown(utf8(await bytesOf(bucket, key))));
    case "markdown":
      return markdownSections(utf8(await bytesOf(bucket, key)));
    case "csv":
    case "text":
      return [{ heading: null, page: null, text: utf8(await bytesOf(bucket, key)) }];
  }
}

/** One section per page, numbered from 1 (citations name the page). */
async function pdfSections(bytes: Uint8Array): Promise<Section[]> {
  if (!startsWith(bytes, "%PDF-")) throw new UnreadableFileError("The file is not a PDF (no %PDF header)");
  const { extractText, getDocumentProxy } = await import("unpdf");
  const pdf = await getDocumentProxy(bytes);
  try {
    const { text } = await extractText(pdf, { mergePages: false });
    return text.map((t, i) => ({ heading: null, page: i + 1, text: t }));
  } finally {
    await pdf.destroy().catch(() => {});
  }
}

/** DOCX → HTML (mammoth keeps Word's heading styles as h1–h6) → the HTML path, so headings become sections. */
async function docxSections(bytes: Uint8Array): Promise<Section[]> {
  if (!startsWith(bytes, "PK")) throw new UnreadableFileError("The file is not a DOCX (not a zip archive)");
  const mammoth = (await import("mammoth")).default;
  // The { buffer } form: mammoth's { arrayBuffer } path fails in workerd.
  const { value } = await mammoth.convertToHtml({ buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
  return markdownSections(await htmlToMarkdown(value));
}

/** One section per sheet; each row after the first reads "Header: value; …", so a chunk carries its columns' meaning. */
async function xlsxSections(bucket: R2Bucket, key: string, size: number): Promise<Section[]> {
  const out: Section[] = [];
  type Sheet = { sheet: string; headers: string[] | null; lines: string[] };
  let current = null as Sheet | null;
  const flush = () => {
    if (current?.lines.length) out.push({ heading: current.sheet, page: null, text: current.lines.join("\n") });
  };
  for await (const { sheet, cells } of xlsxWorkbookRows(bucket, key, size)) {
    if (current?.sheet !== sheet) {
      flush();
      current = { sheet, headers: null, lines: [] };
    }
    if (cells.every((c) => c.trim() === "")) continue;
    if (!current.headers) {
      current.headers = cells.map((c) => c.trim());
      current.lines.push(current.headers.filter(Boolean).join(" | "));
      continue;
    }
    if (current.lines.length >= MAX_SHEET_ROWS) continue;
    const h = current.headers;
    current.lines.push(
      cells
        .map((c, i) => [h[i] || `Column ${i + 1}`, c.trim()] as const)
        .filter(([, v]) => v !== "")
        .map(([k, v]) => `${k}: ${v}`)
        .join("; "),
    );
  }
  flush();
  return out;
}

/** HTML → Markdown-like text: headings as `#` lines (the sectioner reads them), links and images without URLs, tables as rows. */
export async function htmlToMarkdown(html: string): Promise<string> {
  const { convert } = await import("html-to-text");
  return convert(html, {
    wordwrap: false,
    selectors: [
      ...[1, 2, 3, 4, 5, 6].map((level) => ({ selector: `h${level}`, format: "atxHeading", options: { level } })),
      { selector: "a", options: { ignoreHref: true } },
      { selector: "img", format: "skip" },
      { selector: "table", format: "dataTable" },
    ],
    formatters: {
      atxHeading: (elem, walk, builder, opts) => {
        builder.openBlock({ leadingLineBreaks: 2 });
        builder.addLiteral(`${"#".repeat(Number((opts as { level?: number }).level ?? 1))} `);
        walk(elem.children, builder);
        builder.closeBlock({ trailingLineBreaks: 2 });
      },
    },
  });
}

/** Splits Markdown at ATX headings (outside code fences); each section remembers its heading path. */
export function markdownSections(text: string): Section[] {
  const out: Section[] = [];
  const path: { level: number; title: string }[] = [];
  let lines: string[] = [];
  let fenced = false;
  const flush = () => {
    const body = lines.join("\n").trim();
    if (body) out.push({ heading: path.length ? path.map((p) => p.title).join(" > ") : null, page: null, text: body });
    lines = [];
  };
  for (const line of text.replace(/\r\n?/g, "\n").split("\n")) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const m = fenced ? null : /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
    if (!m) {
      lines.push(line);
      continue;
    }
    flush();
    const level = (m[1] as string).length;
    while (path.length && (path[path.length - 1] as { level: number }).level >= level) path.pop();
    path.push({ level, title: (m[2] as string).trim() });
  }
  flush();
  return out;
}

function startsWith(bytes: Uint8Array, magic: string): boolean {
  for (let i = 0; i < magic.length; i++) if (bytes[i] !== magic.charCodeAt(i)) return false;
  return true;
}
