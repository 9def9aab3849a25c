import { concatBytes } from "../../../platform/bytes";

const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const MAX_ELEMENT_BYTES = 16 * 1024 * 1024;

export class JsonShapeError extends Error {}

const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
const dec = new TextDecoder();

/**
 * Streams the elements of a JSON document's row array without parsing the whole document: the
 * root array (`[{…}, {…}]`) or a GeoJSON FeatureCollection's `features`. Structural characters
 * are ASCII and never occur inside UTF-8 multi-byte sequences, so the scan runs on bytes; each
 * element's bytes are then parsed with JSON.parse on their own.
 */
export class JsonRowScanner {
  private depth = 0;
  private inString = false;
  private escape = false;
  /** Depth at which row elements live (1: root array, 2: root object's "features"); 0 = not yet. */
  private target = 0;
  private rootKind: "array" | "object" | null = null;
  private lastString: { start: number; parts: Uint8Array[] } | null = null;
  private lastKey: string | null = null;
  private keyCandidate: string | null = null;
  private element: Uint8Array[] | null = null;
  private elementBytes = 0;
  private elementStart = -1;
  private done = false;
  private started = false;
  /** Keys of the root object seen so far (to tell a FeatureCollection from other objects). */
  rootType: string | null = null;

  get kind() {
    return this.rootKind;
  }

  /** Parsed elements completed by this chunk. */
  feed(chunk: Uint8Array): unknown[] {
    const out: unknown[] = [];
    const n = chunk.length;
    let i = 0;
    if (!this.started) {
      // UTF-8 BOM
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
    }
    if (this.element) this.elementStart = 0;
    for (; i < n; i++) {
      const b = chunk[i] as number;
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (b === BACKSLASH) this.escape = true;
        else if (b === QUOTE) {
          this.inString = false;
          if (this.lastString) {
            this.lastString.parts.push(chunk.subarray(this.lastString.start, i));
            this.keyCandidate = tryString(this.lastString.parts);
            this.lastString = null;
          }
        }
        continue;
      }
      if (isSpace(b)) continue;
      if (this.done) throw new JsonShapeError("Unexpected content after the end of the JSON document");
      if (!this.started) {
        this.started = true;
        if (b === OPEN_ARR) {
          this.rootKind = "array";
          this.target = 1;
        } else if (b === OPEN_OBJ) this.rootKind = "object";
        else throw new JsonShapeError("The file is not JSON: expected an array of objects or a GeoJSON FeatureCollection");
        this.depth = 1;
        continue;
      }
      // A new element begins at the target depth.
      if (this.target > 0 && this.depth === this.target && !this.element && b !== COMMA && b !== CLOSE_ARR) {
        this.element = [];
        this.elementBytes = 0;
        this.elementStart = i;
      }
      if (b === QUOTE) {
        this.inString = true;
        // Remember strings of the root object (keys and the "type" value), not the elements'.
        if (this.rootKind === "object" && this.depth === 1) this.lastString = { start: i + 1, parts: [] };
        continue;
      }
      if (b === COLON && this.depth === 1 && this.rootKind === "object") {
        this.lastKey = this.keyCandidate;
        continue;
      }
      if (b === COMMA && this.depth === 1 && this.rootKind === "object") {
        if (this.lastKey === "type" && this.keyCandidate) this.rootType = this.keyCandidate;
        this.lastKey = null;
      }
      if (b === OPEN_OBJ || b === OPEN_ARR) {
        if (this.rootKind === "object" && this.depth === 1 && b === OPEN_ARR && this.lastKey === "features" && this.target === 0) {
          this.target = 2;
          this.depth++;
          continue;
        }
        this.depth++;
        continue;
      }
      if (b === CLOSE_OBJ || b === CLOSE_ARR) {
        this.depth--;
        if (this.element && this.depth === this.target) {
          this.finishElement(chunk, i + 1, out);
          continue;
        }
        if (this.target > 0 && this.depth === this.target - 1 && this.element) {
          // A primitive element ended by the array's close bracket.
          this.finishElement(chunk, i, out);
        }
        if (this.depth === 0) {
          if (this.rootKind === "object" && this.lastKey === "type" && this.keyCandidate) this.rootType = this.keyCandidate;
          this.done = true;
        }
        continue;
      }
      if (b === COMMA && this.element && this.depth === this.target) this.finishElement(chunk, i, out);
    }
    if (this.element && this.elementStart >= 0) {
      const part = chunk.slice(this.elementStart);
      this.element.push(part);
      this.elementBytes += part.length;
      if (this.elementBytes > MAX_ELEMENT_BYTES) throw new JsonShapeError("A row of the JSON file is larger than 16 MiB");
    }
    if (this.lastString) {
      this.lastString.parts.push(chunk.slice(this.lastString.start));
      this.lastString.start = 0;
    }
    this.elementStart = -1;
    return out;
  }

  private finishElement(chunk: Uint8Array, end: number, out: unknown[]) {
    const parts = this.element ?? [];
    parts.push(chunk.subarray(Math.max(0, this.elementStart), end));
    const text = dec.decode(concatBytes(parts));
    this.element = null;
    this.elementStart = -1;
    try {
      out.push(JSON.parse(text));
    } catch {
      throw new JsonShapeError("The file is not valid JSON");
    }
  }

  /** At EOF: the document must be complete and hold a row array. */
  end(): void {
    if (!this.started) throw new JsonShapeError("The file is empty");
    if (!this.done || this.inString) throw new JsonShapeError("The file is not valid JSON (it ends early)");
    if (this.target === 0) throw new JsonShapeError('The JSON object is not a GeoJSON FeatureCollection (no "features" array)');
  }
}

function tryString(parts: Uint8Array[]): string | null {
  try {
    return JSON.parse(`"${dec.decode(concatBytes(parts))}"`) as string;
  } catch {
    return null;
  }
}
