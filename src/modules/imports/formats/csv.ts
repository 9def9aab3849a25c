import { concatBytes } from "./bytes";

/** One parsed CSV record and the absolute byte offset just after it (where the next one starts). */
export interface CsvRecord {
  fields: string[];
  end: number;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
/** A single record longer than this is a broken file (e.g. an unbalanced quote), not data. */
export const MAX_RECORD_BYTES = 4 * 1024 * 1024;

const dec = new TextDecoder();

/**
 * Incremental CSV (RFC 4180) parser over bytes, so every record's end is an exact byte offset:
 * an import chunk resumes at the offset where the previous one stopped. Delimiters, quotes and
 * newlines are ASCII and UTF-8 continuation bytes never are, so scanning bytes is safe; each
 * field is decoded on its own. Blank lines are skipped. Quoted fields may hold newlines.
 */
export class CsvParser {
  private carry: Uint8Array = new Uint8Array(0);
  /** Absolute offset of carry[0]. */
  private at: number;

  constructor(
    start: number,
    private readonly delimiter = 0x2c,
  ) {
    this.at = start;
  }

  /** Records completed by this chunk (the unfinished tail waits for the next chunk or end()). */
  feed(chunk: Uint8Array): CsvRecord[] {
    const buf = this.carry.length ? concatBytes([this.carry, chunk]) : chunk;
    const out: CsvRecord[] = [];
    let pos = 0;
    for (;;) {
      const r = this.parseRecord(buf, pos, false);
      if (!r) break;
      pos = r.next;
      if (r.fields) out.push({ fields: r.fields, end: this.at + pos });
    }
    if (buf.length - pos > MAX_RECORD_BYTES) throw new CsvError(`A record longer than ${MAX_RECORD_BYTES} bytes (unbalanced quote?)`);
    this.carry = buf.slice(pos);
    this.at += pos;
    return out;
  }

  /** The last record when the file does not end with a newline. */
  end(): CsvRecord[] {
    if (this.carry.length === 0) return [];
    const r = this.parseRecord(this.carry, 0, true);
    const end = this.at + this.carry.length;
    this.carry = new Uint8Array(0);
    this.at = end;
    return r?.fields ? [{ fields: r.fields, end }] : [];
  }

  /** Parses one record at `pos`; null when the buffer ends inside it (and not at EOF). */
  private parseRecord(buf: Uint8Array, pos: number, eof: boolean): { fields: string[] | null; next: number } | null {
    const n = buf.length;
    if (pos >= n) return null;
    const fields: string[] = [];
    let i = pos;
    for (;;) {
      // One field starting at i.
      if (buf[i] === QUOTE) {
        let j = i + 1;
        let hasEscapes = false;
        for (;;) {
          const q = buf.indexOf(QUOTE, j);
          if (q === -1) {
            if (!eof) return null;
            // Unterminated quote at EOF: take the rest as the field.
            fields.push(dec.decode(buf.subarray(i + 1)).replaceAll('""', '"'));
            return { fields, next: n };
          }
          if (q + 1 >= n && !eof) return null;
          if (buf[q + 1] === QUOTE) {
            hasEscapes = true;
            j = q + 2;
            continue;
          }
          let text = dec.decode(buf.subarray(i + 1, q));
          if (hasEscapes) text = text.replaceAll('""', '"');
          i = q + 1;
          // Anything between the closing quote and the delimiter is kept (lenient).
          let k = i;
          while (k < n && buf[k] !== this.delimiter && buf[k] !== LF && buf[k] !== CR) k++;
          if (k > i) text += dec.decode(buf.subarray(i, k));
          fields.push(text);
          i = k;
          break;
        }
      } else {
        let k = i;
        while (k < n && buf[k] !== this.delimiter && buf[k] !== LF && buf[k] !== CR) k++;
        fields.push(dec.decode(buf.subarray(i, k)));
        i = k;
      }
      if (i >= n) {
        if (!eof) return null;
        return { fields: blank(fields) ? null : fields, next: n };
      }
      const b = buf[i];
      if (b === this.delimiter) {
        i++;
        if (i >= n) {
          if (!eof) return null;
          fields.push("");
          return { fields, next: n };
        }
        continue;
      }
      // End of line: LF, CRLF or a lone CR.
      if (b === CR) {
        if (i + 1 >= n && !eof) return null;
        i += buf[i + 1] === LF ? 2 : 1;
      } else i++;
      return { fields: blank(fields) ? null : fields, next: i };
    }
  }
}

const blank = (f: string[]) => f.length === 1 && f[0] === "";

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
