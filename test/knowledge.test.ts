// Knowledge: extraction and indexing on the queue, hybrid retrieval with visibility inside the
// SQL, the index lifecycle (stale, reindex, retry, provider failures), RAG health, the document
// summary and relationship suggestions. Fixture files (PDF, DOCX, XLSX, …) are made here.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { BlobWriter, TextReader, ZipWriter } from "@zip.js/zip.js";
import { eq, sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { type QueueMessage, queue } from "../queues";
import { agents } from "../src/modules/agents/tables";
import { documents, documentVersions } from "../src/modules/documents/tables";
import { chunkSections } from "../src/modules/knowledge/service/chunk";
import { markdownSections } from "../src/modules/knowledge/service/extract";
import { knowledgeChunks } from "../src/modules/knowledge/tables";
import type { Db } from "../src/platform/db";
import { jobs } from "../src/platform/jobs/tables";
import { call, databaseUrl, env, type Joined, join, raw, readSse, type SignedUp, signup, withControl, withDb } from "./harness";
import { describeSecurity } from "./security";

// ---- fixtures --------------------------------------------------------------------------------

const enc = new TextEncoder();

/** A minimal valid PDF (Helvetica text, one content stream per page, exact xref offsets). */
function pdf(pages: string[][]): Uint8Array {
  const objs: string[] = ["<< /Type /Catalog /Pages 2 0 R >>"];
  objs.push(`<< /Type /Pages /Kids [${pages.map((_, i) => `${4 + i * 2} 0 R`).join(" ")}] /Count ${pages.length} >>`);
  objs.push("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  pages.forEach((lines, i) => {
    const esc = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`);
    const stream = `BT /F1 12 Tf 72 720 Td 14 TL ${lines.map((l) => `(${esc(l)}) '`).join(" ")} ET`;
    objs.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${5 + i * 2} 0 R >>`);
    objs.push(`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`);
  });
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return enc.encode(out);
}

async function zip(entries: Record<string, string>): Promise<Uint8Array> {
  const w = new ZipWriter(new BlobWriter(), { useWebWorkers: false });
  for (const [name, body] of Object.entries(entries)) await w.add(name, new TextReader(body));
  return new Uint8Array(await (await w.close()).arrayBuffer());
}

const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
const xmlEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A DOCX whose paragraphs are [style, text]: style "Heading1"/"Heading2" or null for body text. */
function docx(paragraphs: [string | null, string][]): Promise<Uint8Array> {
  const body = paragraphs
    .map(
      ([style, text]) =>
        `<w:p>${style ? `<w:pPr><w:pStyle w:val="${style}"/></w:pPr>` : ""}<w:r><w:t xml:space="preserve">${xmlEscape(text)}</w:t></w:r></w:p>`,
    )
    .join("");
  return zip({
    "[Content_Types].xml":
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
      '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>',
    "_rels/.rels":
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    "word/_rels/document.xml.rels":
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>',
    "word/styles.xml":
      `<?xml version="1.0" encoding="UTF-8"?><w:styles ${W}>` +
      '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>' +
      '<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/></w:style></w:styles>',
    "word/document.xml": `<?xml version="1.0" encoding="UTF-8"?><w:document ${W}><w:body>${body}</w:body></w:document>`,
  });
}

/** An XLSX with named sheets of inline-string cells. */
function xlsx(sheets: Record<string, string[][]>): Promise<Uint8Array> {
  const names = Object.keys(sheets);
  const col = (i: number) => String.fromCharCode(65 + i);
  const parts: Record<string, string> = {
    "[Content_Types].xml":
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="xml" ContentType="application/xml"/></Types>',
    "xl/workbook.xml":
      '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' +
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>' +
      names.map((n, i) => `<sheet name="${xmlEscape(n)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join("") +
      "</sheets></workbook>",
    "xl/_rels/workbook.xml.rels":
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      names
        .map(
          (_, i) =>
            `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
        )
        .join("") +
      "</Relationships>",
  };
  names.forEach((n, s) => {
    const rows = (sheets[n] ?? [])
      .map(
        (cells, r) =>
          `<row r="${r + 1}">${cells.map((v, c) => `<c r="${col(c)}${r + 1}" t="inlineStr"><is><t>${xmlEscape(v)}</t></is></c>`).join("")}</row>`,
      )
      .join("");
    parts[`xl/worksheets/sheet${s + 1}.xml`] =
      `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows}</sheetData></worksheet>`;
  });
  return zip(parts);
}

// ---- harness ---------------------------------------------------------------------------------

let owner: SignedUp;
let member: Joined;
let viewer: Joined;
let outsider: SignedUp;
const ws = () => owner.workspaceId;
const tenant = <T>(f: (db: Db) => Promise<T>, w = ws()) => withDb(databaseUrl(`ws_${w.replace(/-/g, "")}`), f);
const as =
  (who: { token: string }, w = ws) =>
  (method: string, path: string, body?: unknown) =>
    call(method, path, { token: who.token, workspace: w(), ...(body !== undefined ? { body } : {}) });

/** Messages the app sent to IMPORTS_QUEUE (the test pool runs no consumers: tests deliver them). */
let sent: QueueMessage[] = [];
function captureQueue() {
  sent = [];
  vi.spyOn(env.IMPORTS_QUEUE, "send").mockImplementation(async (m: unknown) => {
    sent.push(m as QueueMessage);
    return undefined as never;
  });
}
afterEach(() => vi.restoreAllMocks());

async function deliver(body: QueueMessage, attempts = 1) {
  const id = `m-${crypto.randomUUID()}`;
  const batch = createMessageBatch("atrium-imports", [{ id, timestamp: new Date(), attempts, body }]);
  const ctx = createExecutionContext();
  await queue(batch as never, env, ctx);
  const result = (await getQueueResult(batch, ctx)) as unknown as { explicitAcks: string[]; retryMessages: { msgId: string }[] };
  return { acked: result.explicitAcks.includes(id), retried: result.retryMessages.some((m) => m.msgId === id) };
}

/** Delivers captured messages (and the ones they send) until none is left; every one must be acked. */
async function drain(max = 500) {
  for (let i = 0; i < max && sent.length; i++) {
    const m = sent.shift() as QueueMessage;
    const r = await deliver(m);
    if (!r.acked) throw new Error(`message ${m.type} was not acked`);
  }
  expect(sent).toEqual([]);
}

async function upload(who: { token: string }, name: string, content: string | Uint8Array, fields: Record<string, string> = {}, type = "") {
  const form = new FormData();
  form.append("file", new File([content], name, type ? { type } : {}));
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  const r = await call("POST", "/api/v1/documents/upload", { token: who.token, workspace: ws(), raw: form });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as string;
}

/** Uploads and indexes (delivers the queue); returns the document id. */
async function indexed(who: { token: string }, name: string, content: string | Uint8Array, fields: Record<string, string> = {}) {
  captureQueue();
  const id = await upload(who, name, content, fields);
  await drain();
  return id;
}

const indexOf = (id: string, who: { token: string } = owner) => as(who)("GET", `/api/v1/documents/${id}/index`);
const chunksOf = (id: string) =>
  tenant((db) => db.select().from(knowledgeChunks).where(eq(knowledgeChunks.documentId, id)).orderBy(knowledgeChunks.chunkIndex));
const search = (who: { token: string }, body: Record<string, unknown>) => as(who)("POST", "/api/v1/knowledge/search", body);

let publicChannel: string;
let privateChannel: string;

beforeAll(async () => {
  owner = await signup();
  [member, viewer, outsider] = await Promise.all([join(owner, "member"), join(owner, "viewer"), signup()]);
  const mk = async (name: string, isPrivate: boolean) => {
    const r = await as(owner)("POST", "/api/v1/channels", { name, is_private: isPrivate });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id as string;
  };
  publicChannel = await mk(`kn-public-${Date.now().toString(36)}`, false);
  privateChannel = await mk(`kn-private-${Date.now().toString(36)}`, true);
});

// ---- chunking (pure) -------------------------------------------------------------------------

describe("chunking", () => {
  it("splits by headings, packs paragraphs to the target size with overlap, and is deterministic", () => {
    const para = (n: number) => `Paragraph ${n} says ${"something useful about turbines and ".repeat(8)}end.`;
    const md = `# Guide\n\nIntro text.\n\n## Setup\n\n${Array.from({ length: 12 }, (_, i) => para(i)).join("\n\n")}\n\n## Usage\n\nRun it.`;
    const sections = markdownSections(md);
    expect(sections.map((s) => s.heading)).toEqual(["Guide", "Guide > Setup", "Guide > Usage"]);
    const chunks = chunkSections(sections);
    expect(chunks.length).toBeGreaterThan(4);
    expect(chunks.every((c) => c.tokens <= 300)).toBe(true);
    const setup = chunks.filter((c) => c.section === "Guide > Setup");
    // Each chunk after the first starts with the end of the one before (the overlap).
    for (let i = 1; i < setup.length; i++) {
      const prev = setup[i - 1]?.content ?? "";
      const head = (setup[i]?.content ?? "").slice(0, 40);
      expect(prev.includes(head), `chunk ${i} overlaps`).toBe(true);
    }
    expect(chunkSections(sections)).toEqual(chunks);
    expect(chunks.map((c) => c.index)).toEqual(chunks.map((_, i) => i));
  });

  it("cuts an over-long sentence and an over-long word, never losing text", () => {
    const long = `${"word ".repeat(2000)}${"x".repeat(5000)}`;
    const chunks = chunkSections([{ heading: null, page: 3, text: long }]);
    expect(chunks.every((c) => c.tokens <= 300 && c.page === 3)).toBe(true);
    // Cut into pieces of at most a chunk's characters, in order: the long word is all there.
    expect(chunks.map((c) => c.content).join(" ")).toContain("x".repeat(900));
    const xs = chunks.reduce((n, c) => n + (c.content.match(/x/g)?.length ?? 0), 0);
    expect(xs).toBeGreaterThanOrEqual(5000);
  });
});

// ---- extraction and indexing -----------------------------------------------------------------

describe("indexing through the queue", () => {
  it("PDF: text per page, page numbers kept; chunks carry document, version, page; unit vectors stored", async () => {
    const id = await indexed(
      owner,
      "report.pdf",
      pdf([["Quarterly revenue grew in the northern region.", "Margins held steady."], ["Turbine maintenance schedule for page two."]]),
      { title: "Quarterly report" },
    );
    const idx = await indexOf(id);
    expect(idx.status).toBe(200);
    expect(idx.body).toMatchObject({
      index_status: "ready",
      indexed_version: 1,
      current_version: 1,
      stale: false,
      index_error: null,
      status: "processed",
    });
    const chunks = await chunksOf(id);
    expect(chunks.map((c) => c.page)).toEqual([1, 2]);
    expect(chunks[0]?.content).toContain("Quarterly revenue grew");
    expect(chunks[1]?.content).toContain("Turbine maintenance");
    expect(idx.body.chunk_count).toBe(2);
    for (const c of chunks) {
      expect(c.versionNumber).toBe(1);
      expect(c.embedding).toHaveLength(256);
      expect(Math.hypot(...(c.embedding ?? []))).toBeCloseTo(1, 4);
      expect(c.embeddingModel).toBe("text-embedding-3-small");
    }
  });

  it("DOCX: headings become the chunks' section paths", async () => {
    const file = await docx([
      ["Heading1", "Employee Handbook"],
      [null, "Welcome to the company."],
      ["Heading2", "Holidays"],
      [null, "Everyone gets twenty-five vacation days per year."],
      ["Heading2", "Expenses"],
      [null, "Submit receipts within thirty days."],
    ]);
    const id = await indexed(owner, "handbook.docx", file, { title: "Handbook" });
    expect((await indexOf(id)).body.index_status).toBe("ready");
    const chunks = await chunksOf(id);
    expect(chunks.map((c) => c.section)).toEqual(["Employee Handbook", "Employee Handbook > Holidays", "Employee Handbook > Expenses"]);
    expect(chunks[1]?.content).toContain("twenty-five vacation days");
  });

  it("XLSX: one section per sheet, rows read as header: value", async () => {
    const file = await xlsx({
      Customers: [
        ["Name", "City"],
        ["Grace Hopper", "Arlington"],
      ],
      Orders: [
        ["Order", "Amount"],
        ["A-17", "420"],
      ],
    });
    const id = await indexed(owner, "book.xlsx", file, { title: "Workbook" });
    expect((await indexOf(id)).body.index_status).toBe("ready");
    const chunks = await chunksOf(id);
    expect(chunks.map((c) => c.section)).toEqual(["Customers", "Orders"]);
    expect(chunks[0]?.content).toContain("Name: Grace Hopper; City: Arlington");
    expect(chunks[1]?.content).toContain("Order: A-17; Amount: 420");
  });

  it("HTML keeps headings; Markdown, CSV and plain text are indexed as they are", async () => {
    const html = await indexed(
      owner,
      "page.html",
      "<html><body><h1>Pricing</h1><p>Plans for <a href='https://x.test'>teams</a>.</p><h2>Enterprise</h2><p>Custom contracts.</p><script>x()</script></body></html>",
    );
    expect((await chunksOf(html)).map((c) => [c.section, c.content])).toEqual([
      ["Pricing", "Plans for teams."],
      ["Pricing > Enterprise", "Custom contracts."],
    ]);
    const md = await indexed(owner, "notes.md", "# Notes\n\nFirst.\n\n## Later\n\nSecond.");
    expect((await chunksOf(md)).map((c) => c.section)).toEqual(["Notes", "Notes > Later"]);
    const csv = await indexed(owner, "list.csv", "sku,name\nA1,Widget\nB2,Gadget\n");
    expect((await chunksOf(csv))[0]?.content).toContain("A1,Widget");
    const txt = await indexed(owner, "plain.txt", "Just some plain words.");
    expect((await chunksOf(txt))[0]).toMatchObject({ content: "Just some plain words.", section: null, page: null });
  });

  it("a corrupt or unsupported file: the upload succeeds, the document ends failed with a reason, no retry", async () => {
    const cases: [string, Uint8Array | string, RegExp][] = [
      ["broken.pdf", enc.encode("%PDF-1.4\nthis is not really a pdf"), /PDF/],
      ["broken.docx", enc.encode("PK\u0003\u0004 nonsense"), /DOCX/],
      ["broken.xlsx", enc.encode("not a zip at all"), /xlsx|XLSX/],
      ["picture.png", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]), /Unsupported file type/],
      ["binary.txt", new Uint8Array([0x61, 0, 0x62]), /binary/],
      ["empty.md", "   \n\n  ", /No text/],
    ];
    for (const [name, content, reason] of cases) {
      captureQueue();
      const id = await upload(owner, name, content);
      const m = sent.shift() as QueueMessage;
      const r = await deliver(m);
      expect(r, name).toEqual({ acked: true, retried: false });
      const idx = await indexOf(id);
      expect(idx.body.index_status, name).toBe("failed");
      expect(idx.body.index_error, name).toMatch(reason);
      expect(idx.body).toMatchObject({ status: "failed", status_error: idx.body.index_error, indexed_version: null, chunk_count: 0 });
      expect(await chunksOf(id)).toEqual([]);
    }
  });

  it("a redelivered message never duplicates chunks; a forced re-run (two copies at once) neither", async () => {
    captureQueue();
    const id = await upload(owner, "dup.md", "# Dup\n\nAlpha beta gamma.\n\n## Two\n\nDelta epsilon.");
    const m = sent.shift() as QueueMessage;
    await deliver(m);
    const first = await chunksOf(id);
    expect(first).toHaveLength(2);
    await deliver(m); // already ready for this version: skipped
    expect((await chunksOf(id)).map((c) => c.id)).toEqual(first.map((c) => c.id));
    // Two deliveries racing after a re-queue: delete-then-insert in one transaction each.
    await tenant((db) => db.update(documents).set({ indexStatus: "queued" }).where(eq(documents.id, id)));
    expect(await Promise.all([deliver(m), deliver(m)])).toEqual([
      { acked: true, retried: false },
      { acked: true, retried: false },
    ]);
    const after = await chunksOf(id);
    expect(after).toHaveLength(2);
    expect(after.map((c) => c.chunkIndex)).toEqual([0, 1]);
  });
});

// ---- retrieval -------------------------------------------------------------------------------

const aiUrl = () => inject("stack").aiUrl;
/** The model server's control endpoints (/__script), under its base URL or its origin. */
async function control(path: string, init?: RequestInit): Promise<Response> {
  const r = await fetch(`${aiUrl()}${path}`, init);
  return r.status === 404 ? fetch(`${new URL(aiUrl()).origin}${path}`, init) : r;
}
/** Scripts the local model server: requests whose content contains `match` get these replies in order (the last repeats). */
async function script(match: string, replies: Record<string, unknown>[]) {
  const r = await control("/__script", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ match, replies }),
  });
  expect(r.status, await r.clone().text()).toBeLessThan(300);
}

describe("hybrid retrieval", () => {
  const topic = "aurora borealis photography";
  let secret: string;
  let visible: string[] = [];
  let restricted: string;
  let tagged: string;

  beforeAll(async () => {
    // The best match of all, linked only to a private channel the member is not in.
    secret = await indexed(
      owner,
      "secret.md",
      `# Aurora borealis photography\n\n${"Aurora borealis photography needs long exposures, a tripod and dark skies. ".repeat(6)}`,
      { title: "Secret aurora guide", entity_type: "channel", entity_id: privateChannel },
    );
    // Visible, weaker matches (linked to the public channel).
    visible = [];
    for (const [i, text] of [
      "Photography of the aurora from Tromsø: bring spare batteries.",
      "Borealis season runs from September to March; photography tours fill fast.",
      "The aurora appears when solar wind meets the magnetosphere.",
      "Night photography basics: manual focus, wide aperture, high ISO.",
    ].entries()) {
      visible.push(
        await indexed(owner, `visible-${i}.md`, `# Note ${i}\n\n${text}`, {
          title: `Visible note ${i}`,
          entity_type: "channel",
          entity_id: publicChannel,
          category: i % 2 ? "travel" : "science",
          tags: i === 0 ? "arctic, winter" : "misc",
        }),
      );
    }
    tagged = visible[0] as string;
    // Readable by one AI employee only.
    restricted = await indexed(owner, "restricted.md", "# Aurora budget\n\nThe aurora photography trip budget is 4,000 euros.", {
      title: "Restricted aurora budget",
      entity_type: "channel",
      entity_id: publicChannel,
    });
  });

  it("the owner gets the best match first, with citations (document, title, version, chunk, section, score, snippet)", async () => {
    const r = await search(owner, { query: topic, top_k: 3 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ mode: "hybrid", top_k: 3, embedding_model: "text-embedding-3-small", reranked: false });
    expect(r.body.results).toHaveLength(3);
    const best = r.body.results[0];
    expect(best).toMatchObject({
      document_id: secret,
      title: "Secret aurora guide",
      version: 1,
      chunk_index: 0,
      section: "Aurora borealis photography",
      page: null,
    });
    expect(best.snippet).toMatch(/«Aurora»|«aurora»/i);
    expect(best.text_rank).toBe(1);
    expect(best.vector_rank).toBe(1);
    expect(best.score).toBeCloseTo(1, 5);
    const scores = r.body.results.map((h: { score: number }) => h.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it("a member never gets a chunk of a document they cannot open, even the best match, and top_k still fills", async () => {
    for (const mode of ["hybrid", "fulltext", "vector"]) {
      const r = await search(member, { query: topic, top_k: 4, mode });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      const ids = r.body.results.map((h: { document_id: string }) => h.document_id);
      expect(ids, mode).not.toContain(secret);
      if (mode !== "fulltext") expect(ids, mode).toHaveLength(4);
      else expect(ids.length, mode).toBeGreaterThanOrEqual(3);
    }
    // And they cannot open it: 404, same as an id that does not exist.
    expect((await indexOf(secret, member)).status).toBe(404);
    expect((await indexOf(visible[0] as string, member)).status).toBe(200);
  });

  it("modes report their own ranks; fulltext finds words, vector finds meaning", async () => {
    const ft = await search(owner, { query: "tripod", mode: "fulltext", top_k: 5 });
    expect(ft.body.results.map((h: { document_id: string }) => h.document_id)).toEqual([secret]);
    expect(ft.body.results[0]).toMatchObject({ vector_rank: null, vector_similarity: null, text_rank: 1 });
    expect(ft.body.embedding_model).toBeNull();
    const vec = await search(owner, { query: "spare batteries Tromsø", mode: "vector", top_k: 2 });
    expect(vec.body.results[0]).toMatchObject({ document_id: visible[0], text_rank: null });
    expect(vec.body.results[0].vector_similarity).toBeGreaterThan(vec.body.results[1].vector_similarity);
    expect(vec.body.results[0].score).toBe(vec.body.results[0].vector_similarity);
  });

  it("a code in the question (CC-4471) picks its one passage out of many that share the common words", async () => {
    const common = "The approved budget is booked against the cost centre named below. Budget review and cost centre notes. ";
    const ids: string[] = [];
    for (const code of ["CC-1001", "CC-4471", "CC-7310"]) {
      ids.push(await indexed(owner, `budget-${code}.md`, `# Budget\n\n${common.repeat(code === "CC-4471" ? 1 : 4)}Cost centre ${code}.`));
    }
    for (const mode of ["fulltext", "hybrid"]) {
      const r = await search(owner, { query: "Which budget covers cost centre CC-4471?", mode, document_ids: ids });
      expect(r.body.results[0]?.document_id, mode).toBe(ids[1]);
    }
  });

  it("filters (document ids, tags, categories, linked entity) and the score threshold apply inside the query", async () => {
    const ids = (r: { body: { results: { document_id: string }[] } }) => [...new Set(r.body.results.map((h) => h.document_id))];
    expect(ids(await search(owner, { query: topic, document_ids: [visible[1], visible[2]] }))).toEqual(
      expect.arrayContaining([visible[1], visible[2]]),
    );
    expect(ids(await search(owner, { query: topic, document_ids: [visible[1], visible[2]] }))).toHaveLength(2);
    expect(ids(await search(owner, { query: topic, tags: ["arctic"] }))).toEqual([tagged]);
    const travel = ids(await search(owner, { query: topic, categories: ["travel"] }));
    expect(travel.sort()).toEqual([visible[1], visible[3]].sort());
    const linked = ids(await search(owner, { query: topic, top_k: 20, linked_entity: { type: "channel", id: privateChannel } }));
    expect(linked).toEqual([secret]);
    const all = await search(owner, { query: topic, top_k: 20 });
    // Scores come rounded to 6 places: just under the third one's keeps it.
    const threshold = all.body.results[2].score - 1e-6;
    const above = await search(owner, { query: topic, top_k: 20, score_threshold: threshold });
    expect(above.body.results.length).toBeGreaterThanOrEqual(3);
    expect(above.body.results.length).toBeLessThan(all.body.results.length);
    expect(above.body.results.every((h: { score: number }) => h.score >= threshold)).toBe(true);
  });

  it("an AI employee restricted by agent_ids sees only the documents that name it", async () => {
    // The built-in employees exist once the roster has been read.
    const roster = await as(owner)("GET", "/api/v1/agents");
    expect(roster.status).toBe(200);
    const [atlas] = await tenant((db) => db.select().from(agents).where(eq(agents.slug, "atlas")));
    expect(atlas?.id).toBeTruthy();
    const other = crypto.randomUUID();
    await tenant((db) =>
      db
        .update(documents)
        .set({ agentIds: [other] })
        .where(eq(documents.id, restricted)),
    );
    const ids = async (agent?: string) =>
      (await search(owner, { query: "aurora photography trip budget", top_k: 20, ...(agent ? { agent_id: agent } : {}) })).body.results.map(
        (h: { document_id: string }) => h.document_id,
      );
    expect(await ids()).toContain(restricted);
    expect(await ids(atlas?.id)).not.toContain(restricted);
    expect(await ids(other)).toContain(restricted);
    await tenant((db) =>
      db
        .update(documents)
        .set({ agentIds: [other, atlas?.id as string] })
        .where(eq(documents.id, restricted)),
    );
    expect(await ids(atlas?.id)).toContain(restricted);
  });

  it("rerank reorders through one gateway call and says so", async () => {
    const r = await search(owner, { query: topic, top_k: 3, rerank: true });
    expect(r.status).toBe(200);
    expect(r.body.reranked).toBe(true);
    expect(r.body.results).toHaveLength(3);
  });

  it("bad input → 422 in the platform shape", async () => {
    for (const [body, loc] of [
      [{ query: "" }, ["body", "query"]],
      [{ query: "x", top_k: 0 }, ["body", "top_k"]],
      [{ query: "x", top_k: 51 }, ["body", "top_k"]],
      [{ query: "x", mode: "magic" }, ["body", "mode"]],
      [{ query: "x", score_threshold: 2 }, ["body", "score_threshold"]],
      [{ query: "x", document_ids: ["nope"] }, ["body", "document_ids", 0]],
      [{ query: "x", linked_entity: { type: "planet", id: crypto.randomUUID() } }, ["body", "linked_entity", "type"]],
      [{ query: "x", surprise: true }, ["body"]],
    ] as const) {
      const r = await search(owner, body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.code).toBe("validation_error");
      expect(r.body.detail[0].loc.slice(0, loc.length)).toEqual(loc);
    }
  });

  it("another workspace's document ids → 404 on every document route; its search sees none of them", async () => {
    const other = (method: string, path: string, body?: unknown) =>
      call(method, path, { token: outsider.token, workspace: outsider.workspaceId, ...(body !== undefined ? { body } : {}) });
    for (const [method, suffix] of [
      ["GET", "index"],
      ["POST", "reindex"],
      ["POST", "retry"],
      ["POST", "ai-summary"],
      ["GET", "relationships/suggestions"],
    ] as const) {
      const r = await other(method, `/api/v1/documents/${secret}/${suffix}`);
      expect(r.status, suffix).toBe(404);
      expect(r.body.code).toBe("not_found");
    }
    const r = await other("POST", "/api/v1/knowledge/search", { query: topic, document_ids: [secret] });
    expect(r.status).toBe(200);
    expect(r.body.results).toEqual([]);
  });
});

// ---- lifecycle -------------------------------------------------------------------------------

/** A new version stored the way the documents module stores one (R2 object, version row, current_version). */
async function storeVersion(id: string, version: number, name: string, content: string) {
  const key = `documents/${id}/v${version}/${name}`;
  await env.FILES.put(key, content);
  await tenant(async (db) => {
    await db.insert(documentVersions).values({
      documentId: id,
      versionNumber: version,
      fileName: name,
      contentType: "text/markdown",
      sizeBytes: content.length,
      storageKey: key,
    });
    await db.update(documents).set({ currentVersion: version, fileName: name, storageKey: key }).where(eq(documents.id, id));
  });
}

describe("index lifecycle", () => {
  it("a new version makes the index stale (the old chunks serve), then ready with only the new version's chunks", async () => {
    const id = await indexed(owner, "policy.md", "# Policy\n\nRefunds take fourteen days.");
    captureQueue();
    const form = new FormData();
    form.append(
      "file",
      new File(["# Policy\n\nRefunds now take seven days, via the xylophone portal."], "policy.md", { type: "text/markdown" }),
    );
    const v2 = await call("POST", `/api/v1/documents/${id}/versions`, { token: owner.token, workspace: ws(), raw: form });
    expect(v2.status, JSON.stringify(v2.body)).toBe(201);
    expect(sent).toEqual([expect.objectContaining({ type: "document.index", document_id: id, version: 2 })]);
    const stale = await indexOf(id);
    expect(stale.body).toMatchObject({ stale: true, current_version: 2, indexed_version: 1, chunk_count: 1, index_status: "queued" });
    // Meanwhile retrieval still answers from version 1.
    const old = await search(owner, { query: "refunds fourteen days", document_ids: [id], mode: "fulltext" });
    expect(old.body.results[0]).toMatchObject({ document_id: id, version: 1 });
    // Already queued: a reindex is a conflict, and nothing more is sent.
    expect((await as(owner)("POST", `/api/v1/documents/${id}/reindex`)).status).toBe(409);
    expect(sent).toHaveLength(1);
    await drain();
    const ready = await indexOf(id);
    expect(ready.body).toMatchObject({
      index_status: "ready",
      stale: false,
      indexed_version: 2,
      versions_indexed: [{ version: 2, chunk_count: 1 }],
    });
    const chunks = await chunksOf(id);
    expect(chunks.map((c) => c.versionNumber)).toEqual([2]);
    const now = await search(owner, { query: "xylophone portal", document_ids: [id] });
    expect(now.body.results[0]).toMatchObject({ document_id: id, version: 2 });
    // A reindex of the ready version rebuilds its chunks (new rows, same content).
    captureQueue();
    const re = await as(owner)("POST", `/api/v1/documents/${id}/reindex`);
    expect(re.status, JSON.stringify(re.body)).toBe(202);
    expect(re.body).toMatchObject({ index_status: "queued", stale: false, indexed_version: 2 });
    await drain();
    const rebuilt = await chunksOf(id);
    expect(rebuilt.map((c) => c.content)).toEqual(chunks.map((c) => c.content));
    expect(rebuilt[0]?.id).not.toBe(chunks[0]?.id);
  });

  it("an old version's message after a newer one is skipped", async () => {
    const id = await indexed(owner, "old.md", "# Old\n\nFirst words.");
    await storeVersion(id, 2, "old.md", "# Old\n\nSecond words.");
    const r = await deliver({ type: "document.index", workspace_id: ws(), document_id: id, version: 1, request_id: "t" });
    expect(r.acked).toBe(true);
    expect((await chunksOf(id)).map((c) => c.versionNumber)).toEqual([1]);
  });

  it("embedding provider failures retry with backoff, then end failed (not stuck); retry works once the provider is back", async () => {
    const word = `quokka${Date.now().toString(36)}`;
    await script(word, [{ status: 500 }]);
    captureQueue();
    const id = await upload(owner, "flaky.md", `# Flaky\n\nThe ${word} provider test.`);
    const m = sent.shift() as QueueMessage;
    const first = await deliver(m, 1);
    expect(first).toEqual({ acked: false, retried: true });
    let idx = await indexOf(id);
    expect(idx.body.index_status).toBe("queued");
    expect(idx.body.index_error).toMatch(/Attempt 1 failed/);
    const last = await deliver(m, 5);
    expect(last).toEqual({ acked: true, retried: false });
    idx = await indexOf(id);
    expect(idx.body).toMatchObject({ index_status: "failed", status: "failed", chunk_count: 0 });
    expect(idx.body.index_error).toMatch(/after 5 attempts/);

    // retry: only from failed; someone who cannot see the document gets 404.
    await script(word, [{}]);
    expect((await as(viewer)("POST", `/api/v1/documents/${id}/retry`)).status).toBe(404);
    captureQueue();
    const retry = await as(owner)("POST", `/api/v1/documents/${id}/retry`);
    expect(retry.status, JSON.stringify(retry.body)).toBe(202);
    expect(retry.body).toMatchObject({ index_status: "queued", status: "processing" });
    await drain();
    expect((await indexOf(id)).body).toMatchObject({ index_status: "ready", status: "processed", index_error: null, chunk_count: 1 });
    const again = await as(owner)("POST", `/api/v1/documents/${id}/retry`);
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/ready/);
  });

  it("edit access: a viewer who can see a document gets 403 on reindex and retry; a member on their own upload may", async () => {
    const shared = await indexed(owner, "shared.md", "# Shared\n\nVisible to all.", { entity_type: "channel", entity_id: publicChannel });
    expect((await indexOf(shared, viewer)).status).toBe(200);
    captureQueue();
    expect((await as(viewer)("POST", `/api/v1/documents/${shared}/reindex`)).status).toBe(403);
    expect((await as(member)("POST", `/api/v1/documents/${shared}/reindex`)).status).toBe(403);
    expect(sent).toEqual([]);
    const mine = await indexed(member, "mine.md", "# Mine\n\nA member's note.", { entity_type: "channel", entity_id: publicChannel });
    expect((await as(member)("POST", `/api/v1/documents/${mine}/reindex`)).status).toBe(202);
    await drain();
  });
});

describe("workspace re-index job", () => {
  it("admins only; progress streams over SSE to COMPLETED, resumable by Last-Event-ID", async () => {
    captureQueue();
    expect((await as(member)("POST", "/api/v1/knowledge/reindex")).status).toBe(403);
    expect(sent).toEqual([]);
    const counted = await tenant((db) =>
      db.execute<{ n: number }>(sql`select count(*)::int as n from documents where current_version > 0`),
    );
    const n = counted.rows[0]?.n;
    const start = await as(owner)("POST", "/api/v1/knowledge/reindex");
    expect(start.status, JSON.stringify(start.body)).toBe(202);
    expect(start.body).toMatchObject({ status: "QUEUED", total_documents: n });
    const jobId = start.body.job_id as string;
    await drain();
    const [job] = await withControl((db) => db.select().from(jobs).where(eq(jobs.id, jobId)));
    expect(job?.status).toBe("COMPLETED");
    const res = job?.result as Record<string, number>;
    expect((res.indexed ?? 0) + (res.failed ?? 0) + (res.skipped ?? 0)).toBe(n);
    expect(res.failed).toBeGreaterThan(0); // the corrupt files above fail again, with their reasons

    const stream = (lastId?: string) =>
      raw(`/api/v1/knowledge/jobs/${jobId}/stream`, {
        headers: { authorization: `Bearer ${owner.token}`, "x-workspace-id": ws(), ...(lastId ? { "last-event-id": lastId } : {}) },
      });
    const events = await readSse(await stream());
    expect(events.at(-1)?.data).toMatchObject({ status: "COMPLETED", progress: 100 });
    expect(events.some((e) => e.data.status === "RUNNING")).toBe(true);
    const resumed = await readSse(await stream(events[1]?.id));
    expect(resumed.map((e) => e.id)).toEqual(events.slice(2).map((e) => e.id));
    expect((await stream(events.at(-1)?.id)).status).toBe(204);
    // Not someone else's: a member who did not start it gets 404.
    const other = await call("GET", `/api/v1/knowledge/jobs/${jobId}/stream`, { token: member.token, workspace: ws() });
    expect(other.status).toBe(404);
  });
});

describe("RAG health", () => {
  it("without a workspace: the service; with one: index freshness that matches the documents", async () => {
    const plain = await call("GET", "/api/v1/ai/rag/health", { token: member.token });
    expect(plain.status).toBe(200);
    expect(plain.body).toMatchObject({
      rag_enabled: true,
      embedding_model: "text-embedding-3-small",
      embedding_dimensions: 256,
      index: null,
    });

    const stuck = await indexed(owner, "stuck.md", "# Stuck\n\nWaiting.");
    await storeVersion(stuck, 2, "stuck.md", "# Stuck\n\nNewer.");
    await tenant((db) =>
      db
        .update(documents)
        .set({ indexStatus: "queued", updatedAt: new Date(Date.now() - 120_000) })
        .where(eq(documents.id, stuck)),
    );
    const h = await as(owner)("GET", "/api/v1/ai/rag/health");
    expect(h.status, JSON.stringify(h.body)).toBe(200);
    const counts = await tenant((db) =>
      db.execute<{ status: string; n: number }>(
        sql`select index_status as status, count(*)::int as n from documents where current_version > 0 group by 1`,
      ),
    );
    for (const r of counts.rows) expect(h.body.index.by_status[r.status], r.status).toBe(r.n);
    const [chunkCount] = (await tenant((db) => db.execute<{ n: number }>(sql`select count(*)::int as n from knowledge_chunks`))).rows;
    expect(h.body.index.chunks).toBe(chunkCount?.n);
    expect(h.body.status).toBe("degraded");
    expect(h.body.index.failed).toBeGreaterThan(0);
    expect(h.body.index.failed_documents.length).toBeGreaterThan(0);
    expect(h.body.index.failed_documents[0].error).toBeTruthy();
    expect(h.body.index.stale).toBeGreaterThanOrEqual(1);
    expect(h.body.index.stale_documents.map((d: { id: string }) => d.id)).toContain(stuck);
    expect(h.body.index.oldest_queued_age_seconds).toBeGreaterThanOrEqual(119);
    expect(Date.parse(h.body.index.last_indexed_at)).toBeGreaterThan(Date.now() - 10 * 60_000);
    expect(h.body.index.embedding_models).toEqual(["text-embedding-3-small"]);
    // A member gets the same counts but only documents they can open by name.
    const m = await as(member)("GET", "/api/v1/ai/rag/health");
    expect(m.body.index.by_status).toEqual(h.body.index.by_status);
    expect(m.body.index.stale_documents.map((d: { id: string }) => d.id)).not.toContain(stuck);
  });
});

// ---- summary and suggestions -----------------------------------------------------------------

describe("AI summary and relationship suggestions", () => {
  let about: string;
  let hidden: string;
  let task: string;

  beforeAll(async () => {
    about = await indexed(owner, "glacier.md", "# Glacier survey\n\nThe glacier survey measured ice retreat at twelve stakes.", {
      title: "Glacier survey",
      entity_type: "channel",
      entity_id: publicChannel,
    });
    hidden = await indexed(owner, "glacier-secret.md", "# Glacier survey budget\n\nThe glacier survey stakes cost 9,000 euros.", {
      title: "Glacier secret budget",
      entity_type: "channel",
      entity_id: privateChannel,
    });
    await indexed(owner, "glacier-public.md", "# Glacier ice\n\nIce retreat of the glacier, measured yearly.", {
      title: "Glacier ice notes",
      entity_type: "channel",
      entity_id: publicChannel,
    });
    const t = await as(owner)("POST", "/api/v1/tasks", { title: "Glacier survey stakes: order replacements", channel_id: publicChannel });
    expect(t.status, JSON.stringify(t.body)).toBe(201);
    task = t.body.id;
  });

  it("summary: a RAG call over the document's chunks, cached until forced, with citations the caller may see", async () => {
    const first = await as(member)("POST", `/api/v1/documents/${about}/ai-summary`);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ document_id: about, version: 1, cached: false });
    expect(first.body.summary.length).toBeGreaterThan(0);
    expect(first.body.citations[0]).toMatchObject({ document_id: about, version: 1, chunk_index: 0 });
    const cited = first.body.citations.map((c: { document_id: string }) => c.document_id);
    expect(cited).not.toContain(hidden);
    expect(cited.length).toBeGreaterThan(1); // related documents too
    const [row] = await tenant((db) => db.select().from(documents).where(eq(documents.id, about)));
    expect(row?.aiSummary).toBe(first.body.summary);
    const cached = await as(member)("POST", `/api/v1/documents/${about}/ai-summary`);
    expect(cached.body).toMatchObject({ cached: true, summary: first.body.summary });
    const forced = await as(member)("POST", `/api/v1/documents/${about}/ai-summary?force_regenerate=true`);
    expect(forced.body.cached).toBe(false);
    expect((await as(member)("POST", `/api/v1/documents/${about}/ai-summary?force_regenerate=maybe`)).status).toBe(422);
    // The owner's summary may draw on the hidden document; the member's never does.
    const mine = await as(owner)("POST", `/api/v1/documents/${about}/ai-summary?force_regenerate=1`);
    expect(mine.body.citations.map((c: { document_id: string }) => c.document_id)).toContain(hidden);
  });

  it("a document not indexed yet → 409; the summary needs none of a document the caller cannot open (404)", async () => {
    captureQueue();
    const pending = await upload(owner, "pending.md", "# Pending\n\nNot yet.", { entity_type: "channel", entity_id: publicChannel });
    const r = await as(owner)("POST", `/api/v1/documents/${pending}/ai-summary`);
    expect(r.status).toBe(409);
    expect(r.body.detail).toMatch(/not indexed/);
    expect((await as(member)("POST", `/api/v1/documents/${hidden}/ai-summary`)).status).toBe(404);
    await drain();
  });

  it("suggestions: similar visible documents and matching tasks, scored and explained, never what the caller cannot see", async () => {
    const r = await as(member)("GET", `/api/v1/documents/${about}/relationships/suggestions`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.document_id).toBe(about);
    const targets = r.body.suggestions.map((s: { target_id: string }) => s.target_id);
    expect(targets).not.toContain(hidden);
    expect(targets).not.toContain(about);
    expect(targets).toContain(task);
    expect(r.body.suggestions.some((s: { target_type: string }) => s.target_type === "document")).toBe(true);
    for (const s of r.body.suggestions) {
      expect(["document", "record", "task", "channel"]).toContain(s.target_type);
      expect(s.confidence).toBeGreaterThanOrEqual(0);
      expect(s.confidence).toBeLessThanOrEqual(1);
      expect(s.reason.length).toBeGreaterThan(0);
      expect(typeof s.name).toBe("string");
    }
    const confidences = r.body.suggestions.map((s: { confidence: number }) => s.confidence);
    expect([...confidences].sort((a, b) => b - a)).toEqual(confidences);
    const owners = await as(owner)("GET", `/api/v1/documents/${about}/relationships/suggestions?limit=20`);
    expect(owners.body.suggestions.map((s: { target_id: string }) => s.target_id)).toContain(hidden);
    expect((await as(owner)("GET", `/api/v1/documents/${about}/relationships/suggestions?limit=0`)).status).toBe(422);
  });
});

describeSecurity("knowledge", [
  { method: "POST", path: "/api/v1/knowledge/search", workspace: true, body: { query: "x" } },
  { method: "POST", path: "/api/v1/knowledge/reindex", workspace: true },
  { method: "GET", path: `/api/v1/knowledge/jobs/${crypto.randomUUID()}/stream`, workspace: true },
  { method: "GET", path: `/api/v1/documents/${crypto.randomUUID()}/index`, workspace: true },
  { method: "POST", path: `/api/v1/documents/${crypto.randomUUID()}/reindex`, workspace: true },
  { method: "POST", path: `/api/v1/documents/${crypto.randomUUID()}/retry`, workspace: true },
  { method: "POST", path: `/api/v1/documents/${crypto.randomUUID()}/ai-summary`, workspace: true },
  { method: "GET", path: `/api/v1/documents/${crypto.randomUUID()}/relationships/suggestions`, workspace: true },
  { method: "GET", path: "/api/v1/ai/rag/health" },
]);

// ---- retrieval in chat and for AI employees --------------------------------------------------

describe("retrieval where answers are made", () => {
  let open: string;
  let closed: string;
  let onlyOther: string;
  const marker = () => `kn${crypto.randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    open = await indexed(owner, "platypus.md", "# Platypus habitat\n\nThe platypus lives in rivers of eastern Australia.", {
      title: "Platypus habitat",
      entity_type: "channel",
      entity_id: publicChannel,
    });
    closed = await indexed(
      owner,
      "platypus-venom.md",
      `# Platypus venom\n\n${"Platypus venom spurs: the platypus habitat and venom explained. ".repeat(5)}`,
      { title: "Platypus venom", entity_type: "channel", entity_id: privateChannel },
    );
    onlyOther = await indexed(owner, "platypus-diet.md", "# Platypus diet\n\nThe platypus eats larvae and shrimp.", {
      title: "Platypus diet",
      entity_type: "channel",
      entity_id: publicChannel,
    });
    await tenant((db) =>
      db
        .update(documents)
        .set({ agentIds: [crypto.randomUUID()] })
        .where(eq(documents.id, onlyOther)),
    );
  });

  it("chat search: documents come back as passages with citations, under the caller's visibility", async () => {
    const r = await as(member)("POST", "/api/v1/chat/search", { query: "platypus venom habitat", types: ["documents"] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const ids = r.body.results.map((x: { id: string }) => x.id);
    expect(ids).toContain(open);
    expect(ids).not.toContain(closed);
    const hit = r.body.results.find((x: { id: string }) => x.id === open);
    expect(hit).toMatchObject({ type: "document", url: `/api/v1/documents/${open}` });
    expect(hit.citation).toMatchObject({ document_id: open, title: "Platypus habitat", version: 1, chunk_index: 0 });
    const mine = await as(owner)("POST", "/api/v1/chat/search", { query: "platypus venom habitat", types: ["documents"] });
    expect(mine.body.results[0].id).toBe(closed);
  });

  it("the chat tool search_workspace returns document citations in the stream", async () => {
    const m = marker();
    await script(m, [
      { tool_calls: [{ name: "search_workspace", arguments: { query: "platypus habitat venom", types: ["documents"] } }] },
      { content: "Platypuses live in eastern Australian rivers [1]." },
    ]);
    const res = await as(member)("POST", "/api/v1/chat", { message: `Where do platypuses live? ${m}` });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const events = await readSse(res.response);
    const result = events.find((e) => e.data.tool_result)?.data.tool_result;
    expect(result).toMatchObject({ name: "search_workspace", is_error: false });
    const cited = result.result.citations.map((c: { document_id: string }) => c.document_id);
    expect(cited).toContain(open);
    expect(cited).not.toContain(closed);
    expect(result.result.citations[0]).toEqual(
      expect.objectContaining({ document_id: expect.any(String), version: 1, chunk_id: expect.any(String), score: expect.any(Number) }),
    );
  });

  it("an AI employee's search_documents: the invoker's visibility, narrowed to the documents it may read", async () => {
    const m = marker();
    await script(m, [
      { tool_calls: [{ name: "search_documents", arguments: { query: "platypus", top_k: 10 } }] },
      { content: "Found them." },
    ]);
    const r = await as(member)("POST", "/api/v1/agents/atlas/run", { instruction: `Find what we know about platypuses. ${m}` });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const step = r.body.steps.find((s: { type: string; name?: string }) => s.type === "tool_result" && s.name === "search_documents");
    expect(step?.is_error, JSON.stringify(step)).toBe(false);
    const ids = step.result.citations.map((c: { document_id: string }) => c.document_id);
    expect(ids).toContain(open);
    expect(ids).not.toContain(closed); // the member cannot open it
    expect(ids).not.toContain(onlyOther); // another employee's document
    expect(step.result.results[0]).toEqual(expect.objectContaining({ content: expect.any(String), snippet: expect.any(String) }));
  });
});
