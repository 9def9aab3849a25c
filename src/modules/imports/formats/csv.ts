import { Buffer } from "node:buffer";
import type { Parser } from "csv-parse";

/** One parsed CSV record and the absolute byte offset just after it (where the next one starts). */
export interface CsvRecord {
  fields: string[];
  end: number;
}

/** A single record longer than this is a broken file (e.g. an unbalanced quote), not data. */
export const MAX_RECORD_BYTES = 4 * 1024 * 1024;

/** Lets the parser's stream report an error (it does so on the next tick, not from write()). */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

interface Parsed {
  record: string[];
  info: { bytes: number };
}

/**
 * Incremental CSV (RFC 4180) reader on csv-parse. It is fed the file's bytes as they are (a
 * Buffer view, no decoding round trip), so every record's end is an exact byte offset even in a
 * file that is not valid UTF-8: an import chunk resumes where the previous one stopped. LF, CRLF
 * and lone CR end records; blank lines are skipped; quoted fields may hold newlines; a stray
 * quote inside a field is kept as text.
 */
export class CsvParser {
  private error: Error | undefined;

  private constructor(
    private readonly parser: Parser,
    private readonly start: number,
  ) {
    parser.on("error", (e: Error) => {
      this.error ??= e;
    });
  }

  /** A parser whose offsets count from `start` (where the first byte it is fed sits in the file). */
  static async open(start: number, delimiter = 0x2c): Promise<CsvParser> {
    // Loaded by the verbs that read CSV, not at every isolate's start-up.
    const { parse } = await import("csv-parse");
    const parser = parse({
      delimiter: String.fromCharCode(delimiter),
      record_delimiter: ["\r\n", "\n", "\r"],
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: true,
      max_record_size: MAX_RECORD_BYTES,
      info: true,
    });
    return new CsvParser(parser, start);
  }

  /** Records completed by this chunk (the unfinished tail waits for the next chunk or end()). */
  async feed(chunk: Uint8Array): Promise<CsvRecord[]> {
    this.parser.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    const out = this.drain();
    await settle();
    this.check();
    return out;
  }

  /** The last record when the file does not end with a newline. */
  async end(): Promise<CsvRecord[]> {
    this.parser.end();
    await settle();
    const out = this.drain();
    this.check();
    return out;
  }

  private drain(): CsvRecord[] {
    const out: CsvRecord[] = [];
    for (let r = this.parser.read() as Parsed | null; r !== null; r = this.parser.read() as Parsed | null) {
      out.push({ fields: r.record, end: this.start + r.info.bytes });
    }
    return out;
  }

  private check() {
    const e = this.error as (Error & { code?: string }) | undefined;
    if (!e) return;
    if (e.code === "CSV_MAX_RECORD_SIZE") throw new CsvError(`A record longer than ${MAX_RECORD_BYTES} bytes (unbalanced quote?)`);
    if (e.code === "CSV_QUOTE_NOT_CLOSED") throw new CsvError("A quoted field is never closed (unbalanced quote at the end of the file)");
    throw new CsvError(`The CSV file does not parse: ${e.message}`);
  }
}

export class CsvError extends Error {}

/** Picks the delimiter of a header line: comma unless semicolons or tabs clearly dominate. */
export function detectDelimiter(headerLine: string): number {
  const count = (ch: string) => headerLine.split(ch).length - 1;
  const counts = [
    [0x2c, count(",")],
    [0x3b, count(";")],
    [0x09, count("\t")],
  ] as const;
  let best: readonly [number, number] = counts[0];
  for (const c of counts) if (c[1] > best[1]) best = c;
  return best[1] > 0 ? best[0] : 0x2c;
}

/** Quotes a CSV field when it needs it; guards against formula injection in spreadsheets. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return "";
  let s = typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v);
  if (typeof v === "string" && (/^[=+@\t\r]/.test(s) || /^-[^0-9.]/.test(s))) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export const csvLine = (values: unknown[]) => `${values.map(csvField).join(",")}\r\n`;
