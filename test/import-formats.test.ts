// The import file readers on their own, in workerd against the R2 binding: csv-parse's records
// and byte offsets (an import chunk resumes at a record's end offset), and workbooks written
// by zip.js's own ZipWriter (a different code path from the reader under test).
import { env } from "cloudflare:workers";
import { BlobWriter, TextReader, Uint8ArrayReader, ZipWriter } from "@zip.js/zip.js";
import { describe, expect, it } from "vitest";
import { BadFileError, csvHeader, csvRecords, sourceRows } from "../src/modules/imports/formats";
import { CsvError, CsvParser, MAX_RECORD_BYTES } from "../src/modules/imports/formats/csv";
import { XlsxError, xlsxRows } from "../src/modules/imports/formats/xlsx";

const enc = new TextEncoder();
const bytes = (...parts: (string | number[])[]) => {
  const chunks = parts.map((p) => (typeof p === "string" ? enc.encode(p) : new Uint8Array(p)));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
};

async function parseAll(data: Uint8Array, start: number, chunk: number, delimiter = 0x2c) {
  const p = await CsvParser.open(start, delimiter);
  const out = [];
  for (let i = 0; i < data.length; i += chunk) out.push(...(await p.feed(data.subarray(i, i + chunk))));
  out.push(...(await p.end()));
  return out;
}

let n = 0;
async function put(data: Uint8Array | string): Promise<{ key: string; size: number }> {
  const key = `test/formats/${Date.now()}-${n++}`;
  const body = typeof data === "string" ? enc.encode(data) : data;
  await env.FILES.put(key, body);
  return { key, size: body.length };
}

// BOM, LF / CRLF / lone CR, a blank line, quoted delimiter + newline + escaped quotes,
// multi-byte UTF-8, a byte that is not UTF-8 (0xFF), a short row and no final newline.
const MESSY = bytes(
  [0xef, 0xbb, 0xbf],
  'name,city,note\r\nAda,Zürich,"says ""hi"", then\nleaves"\n\nBob,東京,plain\rCé,',
  [0xff],
  ",x\r\nshort\nlast,row,end",
);

describe("CSV (csv-parse)", () => {
  it("parses a messy file the same whatever the chunking, with exact byte offsets", async () => {
    const whole = await parseAll(MESSY.subarray(3), 3, MESSY.length);
    expect(whole.map((r) => r.fields)).toEqual([
      ["name", "city", "note"],
      ["Ada", "Zürich", 'says "hi", then\nleaves'],
      ["Bob", "東京", "plain"],
      ["Cé", "\uFFFD", "x"],
      ["short"],
      ["last", "row", "end"],
    ]);
    expect(whole.at(-1)?.end).toBe(MESSY.length);
    for (const size of [1, 2, 3, 7, 64]) expect(await parseAll(MESSY.subarray(3), 3, size)).toEqual(whole);
    // Resuming at any record's end offset yields exactly the records after it.
    for (const [i, r] of whole.entries()) {
      const rest = await parseAll(MESSY.subarray(r.end), r.end, 5);
      expect(rest).toEqual(whole.slice(i + 1));
    }
  });

  it("reads the header and the records from R2: BOM skipped, delimiter detected", async () => {
    const f = await put(bytes([0xef, 0xbb, 0xbf], 'id;name;;name\n1;a;b;c\n2;"x;y";;\n'));
    const h = await csvHeader(env.FILES, f.key);
    expect(h).toEqual({ headers: ["id", "name", "column_3", "name_2"], delimiter: 0x3b, dataOffset: 17 });
    const rows = [];
    for await (const r of csvRecords(env.FILES, f.key, h.dataOffset, h.delimiter)) rows.push(r);
    expect(rows).toEqual([
      { fields: ["1", "a", "b", "c"], end: 25 },
      { fields: ["2", "x;y", "", ""], end: f.size },
    ]);
  });

  it("a quote never closed, or a record over the size limit, is a bad file", async () => {
    const open = await put('a,b\n1,"never closed\n2,3\n');
    const h = await csvHeader(env.FILES, open.key);
    const read = async () => {
      for await (const _ of csvRecords(env.FILES, open.key, h.dataOffset, h.delimiter));
    };
    await expect(read()).rejects.toThrow(BadFileError);
    await expect(read()).rejects.toThrow(/never closed/);
    const p = await CsvParser.open(0);
    const huge = enc.encode(`a,"${"x".repeat(MAX_RECORD_BYTES + 10)}`);
    await expect(p.feed(huge)).rejects.toThrow(CsvError);
  });

  it("binary data where a CSV header should be is refused", async () => {
    const f = await put(bytes("PK", [0, 0, 3, 4], "rest"));
    await expect(csvHeader(env.FILES, f.key)).rejects.toThrow(/binary data/);
  });
});

const SHARED = `<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4" uniqueCount="4">
<si><t>City</t></si><si><t>Founded</t></si>
<si><r><t>Zü</t></r><r><rPr><b/></rPr><t xml:space="preserve">rich &amp; bold</t></r><rPh sb="0" eb="1"><t>ignored</t></rPh></si>
<si><t>Kind</t></si></sst>`;
const STYLES = `<?xml version="1.0" encoding="UTF-8"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/><numFmt numFmtId="165" formatCode="#,##0.00"/></numFmts>
<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/></cellXfs></styleSheet>`;
// `x:`-prefixed elements, as some writers produce; sparse cells (B3 missing); an empty row.
const SHEET = `<?xml version="1.0" encoding="UTF-8"?>
<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>
<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="s"><x:v>1</x:v></x:c><x:c r="C1" t="s"><x:v>3</x:v></x:c><x:c r="D1" t="inlineStr"><x:is><x:t>Big?</x:t></x:is></x:c></x:row>
<x:row r="2"><x:c r="A2" t="s"><x:v>2</x:v></x:c><x:c r="B2" s="1"><x:v>45658</x:v></x:c><x:c r="C2" t="inlineStr"><x:is><x:t>a &lt;b&gt; &#x263A;</x:t></x:is></x:c><x:c r="D2" t="b"><x:v>1</x:v></x:c></x:row>
<x:row r="3"><x:c r="A3" t="str"><x:v>formula text</x:v></x:c><x:c r="C3" s="3"><x:v>1234.5</x:v></x:c><x:c r="D3" t="e"><x:v>#DIV/0!</x:v></x:c></x:row>
<x:row r="4"/>
<x:row r="5"><x:c r="B5" s="2"><x:v>45658.5</x:v></x:c></x:row>
</x:sheetData></x:worksheet>`;

async function workbook(
  entries: Record<string, string | Uint8Array>,
  options: ConstructorParameters<typeof ZipWriter>[1] = {},
): Promise<Uint8Array> {
  const w = new ZipWriter(new BlobWriter(), { useWebWorkers: false, ...options });
  for (const [name, body] of Object.entries(entries))
    await w.add(name, typeof body === "string" ? new TextReader(body) : new Uint8ArrayReader(body));
  return new Uint8Array(await (await w.close()).arrayBuffer());
}

async function rowsOf(data: Uint8Array): Promise<string[][]> {
  const f = await put(data);
  const rows = [];
  for await (const r of xlsxRows(env.FILES, f.key, f.size)) rows.push(r);
  return rows;
}

const EXPECTED = [
  ["City", "Founded", "Kind", "Big?"],
  ["Zürich & bold", "2025-01-01", "a <b> ☺", "true"],
  ["formula text", "", "1234.5", ""],
  [],
  ["", "2025-01-01T12:00:00.000Z"],
];

describe("XLSX (zip.js + htmlparser2)", () => {
  it("reads shared and inline strings, booleans, errors, date styles, sparse cells and prefixed XML", async () => {
    const data = await workbook({ "xl/sharedStrings.xml": SHARED, "xl/styles.xml": STYLES, "xl/worksheets/sheet1.xml": SHEET });
    expect(await rowsOf(data)).toEqual(EXPECTED);
  });

  it("reads ZIP64 and stored (uncompressed) archives", async () => {
    const parts = { "xl/sharedStrings.xml": SHARED, "xl/styles.xml": STYLES, "xl/worksheets/sheet1.xml": SHEET };
    expect(await rowsOf(await workbook(parts, { zip64: true }))).toEqual(EXPECTED);
    expect(await rowsOf(await workbook(parts, { level: 0 }))).toEqual(EXPECTED);
  });

  it("through sourceRows: the first row names the columns, empty rows are skipped", async () => {
    const f = await put(await workbook({ "xl/sharedStrings.xml": SHARED, "xl/styles.xml": STYLES, "xl/worksheets/sheet1.xml": SHEET }));
    const headers: string[] = [];
    const rows = [];
    for await (const r of sourceRows(env.FILES, f.key, "xlsx", f.size, headers)) rows.push(r.values);
    expect(headers).toEqual(["City", "Founded", "Kind", "Big?"]);
    expect(rows).toHaveLength(3);
    expect(rows[2]).toEqual({ City: "", Founded: "2025-01-01T12:00:00.000Z", Kind: "", "Big?": "" });
  });

  it("refuses what is not a workbook with a reason", async () => {
    await expect(rowsOf(enc.encode("name,age\nbob,3\n"))).rejects.toThrow(/not a valid \.xlsx workbook/);
    await expect(rowsOf(await workbook({ "word/document.xml": "<w/>" }))).rejects.toThrow(/no worksheet/);
  });

  it("refuses an encrypted workbook", async () => {
    const locked = await workbook({ "xl/worksheets/sheet1.xml": SHEET }, { password: "secret" });
    await expect(rowsOf(locked)).rejects.toThrow(/encrypted/);
  });

  it("refuses a corrupt workbook", async () => {
    // Flip bytes inside the compressed sheet: the inflater or the CRC check must notice.
    const good = await workbook({ "xl/worksheets/sheet1.xml": SHEET.repeat(20) });
    const bad = good.slice();
    for (let i = 60; i < 200; i++) bad[i] = (bad[i] as number) ^ 0x5a;
    await expect(rowsOf(bad)).rejects.toThrow(XlsxError);
  });

  it("a workbook larger than one read streams through ranged reads", async () => {
    const rows = Array.from(
      { length: 5000 },
      (_, i) => `<row r="${i + 2}"><c r="A${i + 2}" t="inlineStr"><is><t>name ${i}</t></is></c><c r="B${i + 2}"><v>${i}</v></c></row>`,
    );
    const sheet = `<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c><c r="B1" t="inlineStr"><is><t>N</t></is></c></row>${rows.join("")}</sheetData></worksheet>`;
    const data = await workbook({ "xl/worksheets/sheet1.xml": sheet }, { level: 0 });
    const got = await rowsOf(data);
    expect(got).toHaveLength(5001);
    expect(got[5000]).toEqual(["name 4999", "4999"]);
  });
});
