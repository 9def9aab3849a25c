// The field contract shared by records, imports and AI: validateFieldValues, coerceFieldValue, promotedColumns.
import { describe, expect, it } from "vitest";
import { coerceFieldValue, type FieldDef, promotedColumns, validateFieldValues } from "../src/modules/recordsets/fields";

const F: FieldDef[] = [
  { key: "name", name: "Name", type: "text", required: true },
  { key: "amount", name: "Amount", type: "number" },
  { key: "value", name: "Value", type: "currency", currency: "EUR" },
  { key: "close", name: "Close", type: "date" },
  { key: "stage", name: "Stage", type: "select", options: ["Lead", "Won", "Lost"] },
  { key: "labels", name: "Labels", type: "multi_select", options: ["a", "b", "c"] },
  { key: "email", name: "Email", type: "email" },
  { key: "site", name: "Site", type: "url" },
  { key: "hot", name: "Hot", type: "boolean" },
  { key: "owner", name: "Owner", type: "member" },
  { key: "links", name: "Links", type: "relation" },
  { key: "where", name: "Where", type: "geo" },
];
const byKey = (k: string) => F.find((f) => f.key === k) as FieldDef;
const U = "0190a0b0-c0d0-7e0f-8a1b-2c3d4e5f6a7b";

describe("validateFieldValues", () => {
  it("accepts and normalises a value of every type", () => {
    const r = validateFieldValues(F, {
      name: "Acme",
      amount: 12.5,
      value: 1000,
      close: "2026-03-01T10:00:00+02:00",
      stage: "Won",
      labels: ["a", "c", "a"],
      email: " x@acme.io ",
      site: "https://acme.io/x",
      hot: false,
      owner: U.toUpperCase(),
      links: [U, U],
      where: { lat: "52.5", lng: 13.4 },
    });
    expect(r.errors).toEqual([]);
    expect(r.values).toEqual({
      name: "Acme",
      amount: 12.5,
      value: 1000,
      close: "2026-03-01T08:00:00.000Z",
      stage: "Won",
      labels: ["a", "c"],
      email: "x@acme.io",
      site: "https://acme.io/x",
      hot: false,
      owner: U,
      links: [U],
      where: { lat: 52.5, lng: 13.4 },
    });
    expect(validateFieldValues(F, { name: "x", close: "2024-02-29" }).values.close).toBe("2024-02-29");
    const poly = {
      type: "Polygon",
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 0],
        ],
      ],
    };
    expect(validateFieldValues(F, { name: "x", where: poly }).values.where).toEqual(poly);
    expect(
      validateFieldValues(F, { name: "x", where: { type: "Feature", geometry: { type: "Point", coordinates: [1, 2] } } }).values.where,
    ).toEqual({
      type: "Point",
      coordinates: [1, 2],
    });
  });

  it("names every bad field: wrong types, unknown keys, missing required", () => {
    const r = validateFieldValues(F, {
      amount: "12",
      close: "2025-02-30",
      stage: "Maybe",
      labels: ["a", "z"],
      email: "nope",
      site: "ftp://x",
      hot: "yes",
      owner: "bob",
      links: ["x"],
      where: { lat: 95, lng: 0 },
      bogus: 1,
    });
    expect(r.errors.map((e) => e.field).sort()).toEqual(
      ["amount", "bogus", "close", "email", "hot", "labels", "links", "name", "owner", "site", "stage", "where"].sort(),
    );
    expect(r.errors.find((e) => e.field === "bogus")?.message).toBe("Unknown field");
    expect(r.errors.find((e) => e.field === "stage")?.message).toContain("Lead, Won, Lost");
    const badPoly = validateFieldValues(F, {
      name: "x",
      where: {
        type: "Polygon",
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
          ],
        ],
      },
    });
    expect(badPoly.errors[0]?.field).toBe("where");
  });

  it("partial: only the given keys; null clears (kept), except on required fields", () => {
    expect(validateFieldValues(F, { amount: null }, { partial: true })).toEqual({ values: { amount: null }, errors: [] });
    expect(validateFieldValues(F, { name: null }, { partial: true }).errors[0]?.field).toBe("name");
    expect(validateFieldValues(F, { amount: 1 }).errors).toEqual([{ field: "name", message: "Name is required" }]);
  });
});

describe("coerceFieldValue (CSV cells)", () => {
  const ok = (k: string, raw: string) => {
    const r = coerceFieldValue(byKey(k), raw);
    if (!r.ok) throw new Error(`${k} ${raw}: ${r.reason}`);
    return r.value;
  };
  it("reads spreadsheet forms", () => {
    expect(ok("amount", " 1,234.5 ")).toBe(1234.5);
    expect(ok("amount", "(12)")).toBe(-12);
    expect(ok("amount", "12,5")).toBe(12.5);
    expect(ok("amount", "1.234,56")).toBe(1234.56);
    expect(ok("amount", "1.234.567")).toBe(1234567);
    expect(ok("amount", "-1,234")).toBe(-1234);
    expect(ok("amount", "12.5%")).toBe(12.5);
    expect(ok("amount", "1e3")).toBe(1000);
    expect(ok("value", "€1 000")).toBe(1000);
    expect(ok("value", "USD 99.90")).toBe(99.9);
    expect(ok("close", "2026/3/5")).toBe("2026-03-05");
    expect(ok("close", "3/5/2026")).toBe("2026-03-05");
    expect(ok("stage", "won")).toBe("Won");
    expect(ok("labels", "a; C|b")).toEqual(["a", "c", "b"]);
    expect(ok("hot", "Yes")).toBe(true);
    expect(ok("hot", "0")).toBe(false);
    expect(ok("where", "52.5, 13.4")).toEqual({ lat: 52.5, lng: 13.4 });
    expect(ok("where", '{"type":"Point","coordinates":[13.4,52.5]}')).toEqual({ type: "Point", coordinates: [13.4, 52.5] });
    expect(ok("links", `${U};${U}`)).toEqual([U]);
    expect(ok("name", "  keep spaces ")).toBe("  keep spaces ");
    expect(ok("amount", "   ")).toBeNull();
  });
  it("says why a cell is bad", () => {
    for (const [k, raw] of [
      ["amount", "12abc"],
      ["amount", "1,2,3"],
      ["amount", "1.5,3.2"],
      ["close", "tomorrow"],
      ["stage", "Maybe"],
      ["labels", "a;zz"],
      ["hot", "perhaps"],
      ["email", "x@"],
      ["where", "north"],
      ["owner", "someone"],
    ] as const) {
      const r = coerceFieldValue(byKey(k), raw);
      expect(r.ok, `${k} ${raw}`).toBe(false);
      if (!r.ok) expect(r.reason.length).toBeGreaterThan(3);
    }
  });
});

describe("promotedColumns", () => {
  it("title from the primary field, search text from the searchable values", () => {
    const fields: FieldDef[] = [
      { key: "notes", name: "Notes", type: "text" },
      { key: "company", name: "Company", type: "text", is_primary: true },
      { key: "stage", name: "Stage", type: "select", options: ["Won"] },
      { key: "tags", name: "Tags", type: "multi_select", options: ["X", "Y"] },
      { key: "owner", name: "Owner", type: "member" },
      { key: "amount", name: "Amount", type: "number" },
    ];
    expect(
      promotedColumns(fields, { notes: "Big Deal", company: "ACME Corp", stage: "Won", tags: ["X", "Y"], owner: U, amount: 5 }),
    ).toEqual({
      title: "ACME Corp",
      searchText: "big deal acme corp won x, y 5",
    });
  });
  it("without a primary field: the first text field with a value; nothing: null", () => {
    const fields: FieldDef[] = [
      { key: "amount", name: "Amount", type: "number" },
      { key: "a", name: "A", type: "text" },
      { key: "b", name: "B", type: "text" },
    ];
    expect(promotedColumns(fields, { amount: 3, b: "Bee" }).title).toBe("Bee");
    expect(promotedColumns(fields, { amount: 3 }).title).toBe("3");
    expect(promotedColumns(fields, {})).toEqual({ title: null, searchText: "" });
  });
});
