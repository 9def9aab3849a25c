import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { and, count, eq, inArray } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { handlers, type QueueMessage, queue } from "../queues";
import { GoogleGeocoder, OfflineGazetteer } from "../src/modules/geo/geocoder";
import { distanceMeters, type Geometry, intersects, parseGeometry, within } from "../src/modules/geo/geometry";
import { type GeoColumns, geoColumns } from "../src/modules/geo/internal";
import { records } from "../src/modules/records/tables";
import type { FieldDef } from "../src/modules/recordsets/fields";
import { recordsetAccess, recordsets } from "../src/modules/recordsets/tables";
import type { Db } from "../src/platform/db";
import { isServiceError } from "../src/platform/errors";
import { jobs } from "../src/platform/jobs/tables";
import { call, databaseUrl, env, type Joined, join, raw, readSse, type SignedUp, signup, withControl, withDb } from "./harness";
import { describeSecurity } from "./security";

const tenantUrl = (workspaceId: string) => databaseUrl(`ws_${workspaceId.replace(/-/g, "")}`);
const withTenant = <T>(workspaceId: string, f: (db: Db) => Promise<T>) => withDb(tenantUrl(workspaceId), f);

let owner: SignedUp;
let member: Joined;
let outsider: SignedUp;
let ws: string;

const as =
  (token: () => string) =>
  (method: string, path: string, body?: unknown, workspace = ws) =>
    call(method, path, { token: token(), workspace, body });
const asOwner = as(() => owner.token);
const asMember = as(() => member.token);

const field = (key: string, type: FieldDef["type"] = "text"): FieldDef => ({ key, name: key, type });

async function makeRecordset(slug: string, fields: FieldDef[]): Promise<string> {
  return withTenant(ws, async (db) => {
    const [rs] = await db
      .insert(recordsets)
      .values({ slug: `${slug}-${crypto.randomUUID().slice(0, 8)}`, name: slug, fields })
      .returning({ id: recordsets.id });
    return rs?.id as string;
  });
}

/** Inserts records (title, values, optional geometry) in order; returns their ids. */
async function addRecords(recordsetId: string, rows: { title: string; values?: Record<string, unknown>; geometry?: Geometry }[]) {
  return withTenant(ws, async (db) => {
    const out: string[] = [];
    // One by one: UUIDv7 ids then follow insertion order.
    for (const r of rows) {
      const geo: Partial<GeoColumns> = r.geometry ? geoColumns(r.geometry, "exact") : {};
      const [row] = await db
        .insert(records)
        .values({ recordsetId, title: r.title, fieldValues: r.values ?? {}, ...geo, geometry: (geo.geometry as never) ?? null })
        .returning({ id: records.id });
      out.push(row?.id as string);
    }
    return out;
  });
}

const pt = (lng: number, lat: number): Geometry => ({ type: "Point", coordinates: [lng, lat] });
const square = (x1: number, y1: number, x2: number, y2: number): Geometry => ({
  type: "Polygon",
  coordinates: [
    [
      [x1, y1],
      [x2, y1],
      [x2, y2],
      [x1, y2],
      [x1, y1],
    ],
  ],
});

/** NDJSON body → parsed lines. */
async function ndjson(res: Response) {
  // Decoded by hand: workerd warns on .text() of a body whose type is not text/* or JSON.
  const text = new TextDecoder().decode(await res.arrayBuffer());
  expect(text.endsWith("\n")).toBe(true);
  return text
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l));
}

const stream = (token: string, qs: string, workspace = ws) =>
  raw(`/api/v1/records/map/stream?${qs}`, { headers: { authorization: `Bearer ${token}`, "x-workspace-id": workspace } });

/** Runs the IMPORTS_QUEUE consumer (the test pool does not) on `body`; returns acks and retries. */
async function deliver(body: QueueMessage) {
  const id = `m-${crypto.randomUUID()}`;
  const batch = createMessageBatch("atrium-imports", [{ id, timestamp: new Date(), attempts: 1, body }]);
  const ctx = createExecutionContext();
  await queue(batch as never, env, ctx);
  const result = (await getQueueResult(batch, ctx)) as unknown as { explicitAcks: string[]; retryMessages: { msgId: string }[] };
  return { id, ...result };
}

/** Calls a job-starting endpoint with the queue's send spied; returns the response and the message. */
async function startJob(who: typeof asOwner, method: string, path: string, body: unknown) {
  const spy = vi.spyOn(env.IMPORTS_QUEUE, "send").mockResolvedValue(undefined as never);
  const r = await who(method, path, body);
  const message = spy.mock.calls[0]?.[0] as QueueMessage | undefined;
  spy.mockRestore();
  return { r, message };
}

afterEach(() => {
  vi.restoreAllMocks();
});

// Known points (lng, lat). The zone is the square [0, 2.5]²: A and B inside; Q (the square [2, 3]²)
// overlaps it; C (3, 3) is 78.6 km from its corner; L (a line from (2.8, 0)) 33.4 km from its edge.
let places: string;
let zones: string;
let P: Record<"A" | "B" | "C" | "D" | "E" | "Q" | "L" | "none", string>;
let zoneId: string;

beforeAll(async () => {
  // Loads the gazetteer (a static asset) once for the isolate.
  await new OfflineGazetteer(env.ASSETS).geocode("warm up");
  [owner, outsider] = await Promise.all([signup(), signup()]);
  ws = owner.workspaceId;
  member = await join(owner, "member");
  places = await makeRecordset("places", [field("name"), field("kind")]);
  zones = await makeRecordset("zones", [field("name")]);
  const ids = await addRecords(places, [
    { title: "A", values: { name: "A", kind: "shop" }, geometry: pt(1, 1) },
    { title: "B", values: { name: "B", kind: "shop" }, geometry: pt(2, 2) },
    { title: "C", values: { name: "C", kind: "office" }, geometry: pt(3, 3) },
    { title: "D", values: { name: "D", kind: "office" }, geometry: pt(10, 10) },
    { title: "E", values: { name: "E", kind: "shop" }, geometry: pt(-1, -1) },
    { title: "Q", values: { name: "Q" }, geometry: square(2, 2, 3, 3) },
    {
      title: "L",
      values: { name: "L" },
      geometry: {
        type: "LineString",
        coordinates: [
          [2.8, 0],
          [4, 0.5],
        ],
      },
    },
    { title: "none", values: { name: "no location" } },
  ]);
  P = { A: ids[0], B: ids[1], C: ids[2], D: ids[3], E: ids[4], Q: ids[5], L: ids[6], none: ids[7] } as typeof P;
  [zoneId] = (await addRecords(zones, [{ title: "zone", geometry: square(0, 0, 2.5, 2.5) }])) as [string];
  // The member may see places, not zones.
  await withTenant(ws, (db) => db.insert(recordsetAccess).values({ recordsetId: places, memberId: member.memberId, canView: true }));
}, 180_000);

const sorted = (ids: string[]) => [...ids].sort();

describe("geometry", () => {
  const concave: Geometry = {
    type: "Polygon",
    coordinates: [
      [
        [0, 0],
        [4, 0],
        [4, 4],
        [2, 1],
        [0, 4],
        [0, 0],
      ],
    ],
  };
  const holed: Geometry = {
    type: "Polygon",
    coordinates: [
      [
        [0, 0],
        [10, 0],
        [10, 10],
        [0, 10],
        [0, 0],
      ],
      [
        [4, 4],
        [6, 4],
        [6, 6],
        [4, 6],
        [4, 4],
      ],
    ],
  };
  it("decides point-in-polygon with concavities and holes, boundary included in within", () => {
    expect(within(pt(1, 0.5), concave)).toBe(true);
    expect(within(pt(2, 3), concave)).toBe(false); // in the notch
    expect(within(pt(5, 5), holed)).toBe(false);
    expect(within(pt(2, 2), holed)).toBe(true);
    expect(within(pt(10, 5), holed)).toBe(true); // on the edge
    expect(intersects(pt(5, 5), holed)).toBe(false);
  });
  it("a line across the notch of a concave polygon is not within it; a polygon around a hole is not within", () => {
    const across: Geometry = {
      type: "LineString",
      coordinates: [
        [0.5, 3],
        [3.5, 3],
      ],
    };
    expect(within(across, concave)).toBe(false);
    expect(intersects(across, concave)).toBe(true);
    expect(within(square(3, 3, 7, 7), holed)).toBe(false);
    expect(within(square(1, 1, 3, 3), holed)).toBe(true);
    expect(intersects(square(4.5, 4.5, 5.5, 5.5), holed)).toBe(false); // wholly in the hole
  });
  it("measures distances in metres", () => {
    // 1° of longitude on the equator = 111.195 km (mean Earth radius).
    expect(distanceMeters(pt(0, 0), pt(1, 0))).toBeCloseTo(111_195, -1);
    expect(distanceMeters(pt(3, 3), square(0, 0, 2.5, 2.5))).toBeCloseTo(78_600, -3);
    expect(distanceMeters(pt(1, 1), square(0, 0, 2.5, 2.5))).toBe(0);
    // Point to the middle of a segment, not only to its ends.
    expect(
      distanceMeters(pt(0.5, 0.1), {
        type: "LineString",
        coordinates: [
          [0, 0],
          [1, 0],
        ],
      }),
    ).toBeCloseTo(11_119, -1);
  });
  it("rejects invalid GeoJSON with a reason", () => {
    expect(
      parseGeometry({
        type: "Polygon",
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 1],
          ],
        ],
      }),
    ).toMatchObject({ ok: false });
    expect(parseGeometry({ type: "Point", coordinates: [200, 0] })).toMatchObject({ ok: false });
    expect(parseGeometry({ type: "Circle", coordinates: [0, 0] })).toMatchObject({ ok: false });
    expect(parseGeometry('{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}}')).toEqual({
      ok: true,
      geometry: { type: "Point", coordinates: [1, 2] },
    });
  });
});

describe("geocoders", () => {
  it("offline gazetteer: ZIP precision from a ZIP, city precision from City, ST; says which", async () => {
    const g = new OfflineGazetteer(env.ASSETS);
    expect(await g.geocode("1 Congress Ave, Austin, TX 78701")).toEqual({
      lat: 30.2713,
      lng: -97.7426,
      precision: "zip",
      provider: "offline-gazetteer",
      matched: "Austin, TX 78701",
    });
    // A 5-digit house number does not win over the ZIP at the end.
    expect((await g.geocode("12345 Market St, San Francisco, CA 94103"))?.matched).toBe("San Francisco, CA 94103");
    const city = await g.geocode("Springfield, Illinois");
    expect(city).toMatchObject({ precision: "city", provider: "offline-gazetteer", matched: "Springfield, IL" });
    expect(city?.lat).toBeGreaterThan(39.5);
    expect(city?.lat).toBeLessThan(40);
    expect(await g.geocode("Portland OR")).toMatchObject({ precision: "city", matched: "Portland, OR" });
    expect(await g.geocode("Nowhere Land")).toBeNull();
  });

  it("Google: speaks the Geocoding API's JSON (OK, ZERO_RESULTS, retryable and final errors)", async () => {
    const seen: string[] = [];
    const reply = (body: unknown, status = 200) =>
      vi.fn(async (input: RequestInfo | URL) => {
        seen.push(String(input));
        return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
      }) as unknown as typeof fetch;
    const ok = new GoogleGeocoder(
      "k-123",
      "http://fake-google.test/maps/api/geocode/json",
      reply({
        status: "OK",
        results: [
          {
            formatted_address: "1600 Amphitheatre Pkwy, Mountain View, CA 94043, USA",
            geometry: { location: { lat: 37.422, lng: -122.084 }, location_type: "ROOFTOP" },
          },
        ],
      }),
    );
    expect(await ok.geocode("1600 Amphitheatre Parkway")).toEqual({
      lat: 37.422,
      lng: -122.084,
      precision: "rooftop",
      provider: "google",
      matched: "1600 Amphitheatre Pkwy, Mountain View, CA 94043, USA",
    });
    const u = new URL(seen[0] as string);
    expect(u.searchParams.get("address")).toBe("1600 Amphitheatre Parkway");
    expect(u.searchParams.get("key")).toBe("k-123");
    expect(await new GoogleGeocoder("k", undefined, reply({ status: "ZERO_RESULTS", results: [] })).geocode("x")).toBeNull();
    const limit = await new GoogleGeocoder("k", undefined, reply({ status: "OVER_QUERY_LIMIT" })).geocode("x").catch((e) => e);
    expect(isServiceError(limit) && limit.retryable).toBe(true);
    const denied = await new GoogleGeocoder("k", undefined, reply({ status: "REQUEST_DENIED", error_message: "bad key" }))
      .geocode("x")
      .catch((e) => e);
    expect(isServiceError(denied) && !denied.retryable && denied.message).toMatch(/REQUEST_DENIED \(bad key\)/);
    const down = await new GoogleGeocoder("k", undefined, reply({}, 503)).geocode("x").catch((e) => e);
    expect(isServiceError(down) && down.retryable).toBe(true);
  });
});

describe("GET /api/v1/records/map/stream", () => {
  it("streams the records in a bbox as NDJSON, in id order, with a final __meta__ line", async () => {
    const res = await stream(owner.token, `recordset_id=${places}&bbox=0,0,2.5,2.5`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
    const lines = await ndjson(res);
    // Q's bbox [2,2,3,3] overlaps the box too (bbox semantics, as PostGIS &&).
    const expected = [
      { id: P.A, geometry: pt(1, 1), geometry_type: "Point", title: "A", geo_precision: "exact", lat: 1, lng: 1 },
      { id: P.B, geometry: pt(2, 2), geometry_type: "Point", title: "B", geo_precision: "exact", lat: 2, lng: 2 },
      { id: P.Q, geometry: square(2, 2, 3, 3), geometry_type: "Polygon", title: "Q", geo_precision: "exact" },
    ];
    expect(lines).toEqual([
      ...expected,
      { __meta__: { count: 3, truncated: false, limit: null, bbox: [0, 0, 2.5, 2.5], recordset_id: places } },
    ]);
  });

  it("without bbox streams every located record; limit truncates; geometry_types, fields and column_filters", async () => {
    const all = await ndjson(await stream(owner.token, `recordset_id=${places}`));
    expect(all.slice(0, -1).map((l) => l.title)).toEqual(["A", "B", "C", "D", "E", "Q", "L"]);
    expect(all.at(-1)).toMatchObject({ __meta__: { count: 7, truncated: false } });

    const two = await ndjson(await stream(owner.token, `recordset_id=${places}&limit=2`));
    expect(two.map((l) => l.title ?? l.__meta__)).toEqual([
      "A",
      "B",
      { count: 2, truncated: true, limit: 2, bbox: null, recordset_id: places },
    ]);
    const seven = await ndjson(await stream(owner.token, `recordset_id=${places}&limit=7`));
    expect(seven.at(-1)).toMatchObject({ __meta__: { count: 7, truncated: false } });

    const lines = await ndjson(await stream(owner.token, `recordset_id=${places}&geometry_types=LineString,polygon`));
    expect(lines.slice(0, -1).map((l) => [l.title, l.geometry_type])).toEqual([
      ["Q", "Polygon"],
      ["L", "LineString"],
    ]);

    const withFields = await ndjson(
      await stream(owner.token, `recordset_id=${places}&fields=kind&column_filters=${encodeURIComponent('{"kind":"office"}')}`),
    );
    expect(withFields.slice(0, -1).map((l) => [l.title, l.fields])).toEqual([
      ["C", { kind: "office" }],
      ["D", { kind: "office" }],
    ]);
  });

  it("crossing the antimeridian: minLng > maxLng", async () => {
    const lines = await ndjson(await stream(owner.token, `recordset_id=${places}&bbox=5,-20,-0.5,20`));
    expect(lines.slice(0, -1).map((l) => l.title)).toEqual(["D", "E"]);
  });

  it("streams past one page (keyset pages of 500) on a connection of its own", async () => {
    const many = await makeRecordset("many", [field("n", "number")]);
    await withTenant(ws, async (db) => {
      const rows = Array.from({ length: 1234 }, (_, i) => {
        const lng = (i % 100) / 10;
        const lat = Math.floor(i / 100) / 10;
        return { recordsetId: many, title: `p${i}`, fieldValues: { n: i }, ...geoColumns(pt(lng, lat), "exact") } as never;
      });
      for (let i = 0; i < rows.length; i += 500) await db.insert(records).values(rows.slice(i, i + 500));
    });
    const lines = await ndjson(await stream(owner.token, `recordset_id=${many}`));
    const body = lines.slice(0, -1);
    expect(body).toHaveLength(1234);
    expect(new Set(body.map((l) => l.id)).size).toBe(1234);
    expect(body.map((l) => l.id)).toEqual(sorted(body.map((l) => l.id)));
    expect(lines.at(-1)).toEqual({ __meta__: { count: 1234, truncated: false, limit: null, bbox: null, recordset_id: many } });
    // A bbox over part of the grid, and a limit that ends inside the second page.
    const box = await ndjson(await stream(owner.token, `recordset_id=${many}&bbox=0,0,4.95,0.55`));
    expect(box.at(-1)).toMatchObject({ __meta__: { count: 50 * 6, truncated: false } });
    const cut = await ndjson(await stream(owner.token, `recordset_id=${many}&limit=777`));
    expect(cut).toHaveLength(778);
    expect(cut.at(-1)).toMatchObject({ __meta__: { count: 777, truncated: true } });
  });

  it("422 for a bad bbox, geometry type or filter", async () => {
    for (const bbox of ["1,2,3", "a,b,c,d", "0,0,1,91", "0,5,1,4", "0,0,181,1", ""]) {
      const r = await call("GET", `/api/v1/records/map/stream?recordset_id=${places}&bbox=${bbox}`, { token: owner.token, workspace: ws });
      expect(r.status, bbox).toBe(422);
      expect(r.body).toMatchObject({ code: "validation_error", detail: [{ loc: ["query", "bbox"] }] });
      expect(typeof r.body.request_id).toBe("string");
    }
    const t = await call("GET", `/api/v1/records/map/stream?recordset_id=${places}&geometry_types=Circle`, {
      token: owner.token,
      workspace: ws,
    });
    expect(t.status).toBe(422);
    expect(t.body.detail[0].loc).toEqual(["query", "geometry_types"]);
    const f = await call("GET", `/api/v1/records/map/stream?recordset_id=${places}&column_filters=${encodeURIComponent('{"nope":"x"}')}`, {
      token: owner.token,
      workspace: ws,
    });
    expect(f.status).toBe(422);
    expect((await call("GET", "/api/v1/records/map/stream", { token: owner.token, workspace: ws })).status).toBe(422);
  });

  it("grants: a member sees a granted recordset, not an ungranted one (404); unknown recordset 404", async () => {
    const granted = await ndjson(await stream(member.token, `recordset_id=${places}&bbox=0,0,1.5,1.5`));
    expect(granted.map((l) => l.title ?? "meta")).toEqual(["A", "meta"]);
    const hidden = await stream(member.token, `recordset_id=${zones}`);
    expect(hidden.status).toBe(404);
    expect(await hidden.json()).toMatchObject({ code: "not_found" });
    expect((await stream(owner.token, `recordset_id=${crypto.randomUUID()}`)).status).toBe(404);
    // Another workspace's member, naming this workspace's recordset in their own workspace: 404.
    expect((await stream(outsider.token, `recordset_id=${places}`, outsider.workspaceId)).status).toBe(404);
  });
});

describe("POST /api/v1/records/spatial-filter", () => {
  const filter = (body: Record<string, unknown>, who = asOwner) => who("POST", "/api/v1/records/spatial-filter", body);

  it("within and intersects a polygon recordset", async () => {
    const w = await filter({ target_recordset_id: places, source_recordset_id: zones, operation: "within" });
    expect(w.status, JSON.stringify(w.body)).toBe(200);
    expect(w.body).toMatchObject({ operation: "within", buffer_meters: 0, source_count: 1, count: 2, truncated: false });
    expect(w.body.record_ids).toEqual(sorted([P.A, P.B]));
    // The prefilter kept only the bbox candidates (A, B, Q, and C whose point sits outside the box is not one).
    expect(w.body.candidates).toBe(3);
    const i = await filter({ target_recordset_id: places, source_recordset_id: zones, operation: "INTERSECTS" });
    expect(i.body.record_ids).toEqual(sorted([P.A, P.B, P.Q]));
  });

  it("within distance (metres), and a buffer on intersects", async () => {
    const near = (m: number) =>
      filter({ target_recordset_id: places, source_recordset_id: zones, operation: "within_distance", buffer_meters: m });
    expect((await near(20_000)).body.record_ids).toEqual(sorted([P.A, P.B, P.Q]));
    expect((await near(40_000)).body.record_ids).toEqual(sorted([P.A, P.B, P.Q, P.L]));
    expect((await near(80_000)).body.record_ids).toEqual(sorted([P.A, P.B, P.Q, P.L, P.C]));
    const buffered = await filter({
      target_recordset_id: places,
      source_recordset_id: zones,
      operation: "intersects",
      buffer_meters: 40_000,
    });
    expect(buffered.body.record_ids).toEqual(sorted([P.A, P.B, P.Q, P.L]));
    // Point to point: D (10, 10) is within 160 km of (11, 10.5)? 1° lng at 10° lat ≈ 109.5 km, 0.5° lat ≈ 55.6 km: ≈ 122.8 km.
    const pp = (m: number) =>
      filter({ target_recordset_id: places, source_geometry: pt(11, 10.5), operation: "within_distance", buffer_meters: m });
    expect((await pp(125_000)).body.record_ids).toEqual([P.D]);
    expect((await pp(120_000)).body.record_ids).toEqual([]);
  });

  it("inline geometry, source_record_ids, exclude and limit", async () => {
    const inline = await filter({
      target_recordset_id: places,
      source_geometry: { type: "Feature", properties: {}, geometry: square(0.5, 0.5, 2.1, 2.1) },
      operation: "within",
    });
    expect(inline.body).toMatchObject({ source_recordset_id: null, record_ids: sorted([P.A, P.B]) });
    const ex = await filter({ target_recordset_id: places, source_recordset_id: zones, operation: "within", exclude: true });
    expect(ex.body.record_ids).toEqual(sorted([P.C, P.D, P.E, P.Q, P.L]));
    const one = await filter({ target_recordset_id: places, source_recordset_id: zones, operation: "within", limit: 1 });
    expect(one.body).toMatchObject({ count: 1, truncated: true, record_ids: [sorted([P.A, P.B])[0]] });
    const picked = await filter({
      target_recordset_id: places,
      source_recordset_id: zones,
      source_record_ids: [zoneId],
      operation: "within",
    });
    expect(picked.body).toMatchObject({ source_count: 1, record_ids: sorted([P.A, P.B]) });
    // Ids of another recordset's records are not sources.
    const none = await filter({ target_recordset_id: places, source_recordset_id: zones, source_record_ids: [P.A], operation: "within" });
    expect(none.body).toMatchObject({ source_count: 0, count: 0, record_ids: [] });
  });

  it("422: unknown relation, bad geometry, missing buffer, both or neither source", async () => {
    const bad = async (body: Record<string, unknown>, loc: (string | number)[]) => {
      const r = await filter(body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body).toMatchObject({ code: "validation_error" });
      expect(r.body.detail[0].loc).toEqual(loc);
    };
    await bad({ target_recordset_id: places, source_recordset_id: zones, operation: "touches" }, ["body", "operation"]);
    await bad(
      {
        target_recordset_id: places,
        source_geometry: {
          type: "Polygon",
          coordinates: [
            [
              [0, 0],
              [1, 0],
              [1, 1],
            ],
          ],
        },
        operation: "within",
      },
      ["body", "source_geometry"],
    );
    await bad({ target_recordset_id: places, source_geometry: { type: "Point", coordinates: [0, 95] }, operation: "intersects" }, [
      "body",
      "source_geometry",
    ]);
    await bad({ target_recordset_id: places, source_recordset_id: zones, operation: "within_distance" }, ["body", "buffer_meters"]);
    await bad({ target_recordset_id: places, operation: "within" }, ["body", "source_recordset_id"]);
    await bad({ target_recordset_id: places, source_recordset_id: zones, source_geometry: pt(0, 0), operation: "within" }, [
      "body",
      "source_recordset_id",
    ]);
    await bad({ target_recordset_id: places, source_recordset_id: zones, operation: "within", buffer_meters: -1 }, [
      "body",
      "buffer_meters",
    ]);
  });

  it("grants: an invisible source or target recordset is a 404", async () => {
    const r = await filter({ target_recordset_id: places, source_recordset_id: zones, operation: "within" }, asMember);
    expect(r.status).toBe(404);
    const t = await filter({ target_recordset_id: zones, source_geometry: square(-5, -5, 5, 5), operation: "intersects" }, asMember);
    expect(t.status).toBe(404);
    const ok = await filter({ target_recordset_id: places, source_geometry: square(0, 0, 2.5, 2.5), operation: "within" }, asMember);
    expect(ok.body.record_ids).toEqual(sorted([P.A, P.B]));
  });
});

describe("map mode and geocoding jobs", () => {
  it("registers its consumers", () => {
    expect(handlers.has("geo.geocode")).toBe(true);
    expect(handlers.has("geo.backfill")).toBe(true);
  });

  const geoOf = (ids: string[]) =>
    withTenant(ws, (db) =>
      db
        .select({
          id: records.id,
          lng: records.lng,
          lat: records.lat,
          minLng: records.minLng,
          precision: records.geoPrecision,
          geometry: records.geometry,
        })
        .from(records)
        .where(inArray(records.id, ids)),
    ).then((rows) => ids.map((id) => rows.find((r) => r.id === id)));

  it("enable-map from lat/lng fields: mode, mapping, backfill job fills the geo columns", async () => {
    const stores = await makeRecordset("stores", [field("name"), field("lat", "number"), field("lng", "number")]);
    const [s1, s2, s3] = await addRecords(stores, [
      { title: "S1", values: { name: "S1", lat: 40.7484, lng: -73.9967 } },
      { title: "S2", values: { name: "S2", lat: "41.5", lng: "-72.25" } },
      { title: "S3", values: { name: "S3", lat: 95, lng: 0 } },
    ]);
    const { r, message } = await startJob(asOwner, "POST", `/api/v1/recordsets/${stores}/enable-map`, {
      lat_field: "lat",
      lng_field: "lng",
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const jobId = r.body.job_id as string;
    expect(r.body).toEqual({
      recordset_id: stores,
      mode: "map",
      gis_mapping: { type: "lat_lng", lat_field: "lat", lng_field: "lng" },
      job_id: jobId,
      status: "QUEUED",
      status_url: `/api/v1/recordsets/geocode/jobs/${jobId}`,
      stream_url: `/api/v1/recordsets/geocode/jobs/${jobId}/stream`,
    });
    expect(message).toMatchObject({ type: "geo.backfill", job_id: jobId, recordset_id: stores, workspace_id: ws, user_id: owner.userId });
    const [rs] = await withTenant(ws, (db) => db.select().from(recordsets).where(eq(recordsets.id, stores)));
    expect(rs).toMatchObject({ mode: "map", gisMapping: { type: "lat_lng", lat_field: "lat", lng_field: "lng" } });

    expect(await deliver(message as QueueMessage)).toMatchObject({ explicitAcks: [expect.any(String)], retryMessages: [] });
    const job = await asOwner("GET", `/api/v1/recordsets/geocode/jobs/${jobId}`);
    expect(job.body).toMatchObject({
      job_id: jobId,
      job_type: "gis_backfill",
      status: "COMPLETED",
      progress: 100,
      recordset_id: stores,
      result: { total: 3, processed: 3, updated: 2, skipped: 1, cleared: 1, precision: { exact: 2 } },
    });
    expect(job.body.result.cursor).toBeUndefined();
    expect(job.body.result.errors).toEqual([{ record_id: s3, reason: "lat must be within ±90 and lng within ±180" }]);
    const [g1, g2, g3] = await geoOf([s1 as string, s2 as string, s3 as string]);
    expect(g1).toMatchObject({ lng: -73.9967, lat: 40.7484, minLng: -73.9967, precision: "exact", geometry: pt(-73.9967, 40.7484) });
    expect(g2).toMatchObject({ lng: -72.25, lat: 41.5 });
    expect(g3).toMatchObject({ lng: null, lat: null, geometry: null, precision: null });

    // The stream now shows them.
    const lines = await ndjson(await stream(owner.token, `recordset_id=${stores}`));
    expect(lines.map((l) => l.title ?? l.__meta__.count)).toEqual(["S1", "S2", 2]);
    // A redelivered message after COMPLETED changes nothing.
    expect(await deliver(message as QueueMessage)).toMatchObject({ retryMessages: [] });
    expect((await asOwner("GET", `/api/v1/recordsets/geocode/jobs/${jobId}`)).body.result.updated).toBe(2);
  });

  it("enable-map from an address through the offline gazetteer reports precision; from a geometry field", async () => {
    const shops = await makeRecordset("shops", [field("street"), field("city"), field("shape", "geo")]);
    const [a, b, c, d] = await addRecords(shops, [
      { title: "a", values: { street: "1 Congress Ave", city: "Austin, TX 78701", shape: square(0, 0, 1, 1) } },
      { title: "b", values: { street: "", city: "Springfield, IL", shape: { lat: 1, lng: 2 } } },
      { title: "c", values: { street: "5 Nowhere Rd", city: "Atlantis", shape: "not json" } },
      { title: "d", values: {} },
    ]);
    const { r, message } = await startJob(asOwner, "POST", `/api/v1/recordsets/${shops}/enable-map`, {
      address_fields: ["street", "city"],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await deliver(message as QueueMessage);
    const job = (await asOwner("GET", `/api/v1/recordsets/geocode/jobs/${r.body.job_id}`)).body;
    expect(job).toMatchObject({
      status: "COMPLETED",
      result: { provider: "offline-gazetteer", total: 4, updated: 2, not_found: 1, skipped: 1, precision: { zip: 1, city: 1 } },
    });
    const [ga, gb, gc] = await geoOf([a as string, b as string, c as string]);
    expect(ga).toMatchObject({ lat: 30.2713, lng: -97.7426, precision: "zip" });
    expect(gb).toMatchObject({ precision: "city" });
    expect(gc).toMatchObject({ lat: null, precision: null });

    // Remapped to the geo field: polygons get a bbox (no point), {lat, lng} a point; bad values are cleared.
    const again = await startJob(asOwner, "POST", `/api/v1/recordsets/${shops}/enable-map`, { geometry_field: "shape" });
    await deliver(again.message as QueueMessage);
    const [ha, hb, hc, hd] = await geoOf([a as string, b as string, c as string, d as string]);
    expect(ha).toMatchObject({ lng: null, minLng: 0, geometry: square(0, 0, 1, 1), precision: "exact" });
    expect(hb).toMatchObject({ lng: 2, lat: 1 });
    expect(hc).toMatchObject({ geometry: null, lat: null });
    expect(hd).toMatchObject({ geometry: null });
    const j2 = (await asOwner("GET", `/api/v1/recordsets/geocode/jobs/${again.r.body.job_id}`)).body;
    expect(j2.result).toMatchObject({ updated: 2, skipped: 2 });
  });

  it("enable-map: 422 for a bad mapping or unknown field, with nothing written; rights", async () => {
    const rs = await makeRecordset("plain", [field("lat", "number"), field("lng", "number")]);
    const jobsBefore = await withControl(
      async (db) =>
        (
          await db
            .select({ n: count() })
            .from(jobs)
            .where(and(eq(jobs.workspaceId, ws), eq(jobs.kind, "geo.backfill")))
        )[0]?.n,
    );
    for (const [body, loc] of [
      [{ lat_field: "lat", lng_field: "nope" }, ["body", "lng_field"]],
      [{ lat_field: "lat" }, ["body", "lng_field"]],
      [{ lat_field: "lat", lng_field: "lng", geometry_field: "lat" }, ["body"]],
      [{}, ["body"]],
      [{ address_fields: [] }, ["body", "address_fields"]],
      [{ address_fields: ["street"] }, ["body", "address_fields", 0]],
    ] as const) {
      const { r, message } = await startJob(asOwner, "POST", `/api/v1/recordsets/${rs}/enable-map`, body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.detail[0].loc, JSON.stringify(body)).toEqual(loc);
      expect(message).toBeUndefined();
    }
    const [row] = await withTenant(ws, (db) => db.select().from(recordsets).where(eq(recordsets.id, rs)));
    expect(row).toMatchObject({ mode: "table", gisMapping: null });
    const jobsAfter = await withControl(
      async (db) =>
        (
          await db
            .select({ n: count() })
            .from(jobs)
            .where(and(eq(jobs.workspaceId, ws), eq(jobs.kind, "geo.backfill")))
        )[0]?.n,
    );
    expect(jobsAfter).toBe(jobsBefore);
    // The member sees places (view grant) but is no admin of it: 403; zones are invisible: 404.
    expect((await startJob(asMember, "POST", `/api/v1/recordsets/${places}/enable-map`, { geometry_field: "name" })).r.status).toBe(403);
    expect((await startJob(asMember, "POST", `/api/v1/recordsets/${zones}/enable-map`, { geometry_field: "name" })).r.status).toBe(404);
    expect(
      (await startJob(asOwner, "POST", `/api/v1/recordsets/${crypto.randomUUID()}/enable-map`, { geometry_field: "x" })).r.status,
    ).toBe(404);
  });

  it("geocode job on the queue: batches, SSE progress to COMPLETED, idempotent; list and get; other people's jobs 404", async () => {
    const leads = await makeRecordset("leads", [field("zip"), field("state")]);
    const zips = ["78701", "94103", "10001", "60601", "98101"];
    const ids = await withTenant(ws, async (db) => {
      const rows = await db
        .insert(records)
        .values(
          Array.from({ length: 230 }, (_, i) => ({
            recordsetId: leads,
            title: `lead ${i}`,
            fieldValues: { zip: zips[i % 5], state: "US" },
          })),
        )
        .returning({ id: records.id });
      return rows.map((r) => r.id);
    });
    // One already located: not geocoded again (no overwrite).
    await withTenant(ws, (db) =>
      db
        .update(records)
        .set(geoColumns(pt(1, 1), "rooftop") as never)
        .where(eq(records.id, ids[0] as string)),
    );
    const { r, message } = await startJob(asOwner, "POST", "/api/v1/recordsets/geocode", { recordset_id: leads, address_fields: ["zip"] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const jobId = r.body.job_id as string;
    expect(r.body).toEqual({
      job_id: jobId,
      status: "QUEUED",
      recordset_id: leads,
      provider: "offline-gazetteer",
      status_url: `/api/v1/recordsets/geocode/jobs/${jobId}`,
      stream_url: `/api/v1/recordsets/geocode/jobs/${jobId}/stream`,
    });
    expect(message).toMatchObject({ type: "geo.geocode", address_fields: ["zip"], overwrite: false });

    // Listen first, then run the consumer: the stream shows every batch and closes on COMPLETED.
    const sse = await raw(`/api/v1/recordsets/geocode/jobs/${jobId}/stream`, {
      headers: { authorization: `Bearer ${owner.token}`, "x-workspace-id": ws },
    });
    expect(sse.status).toBe(200);
    expect(sse.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events = readSse(sse);
    await deliver(message as QueueMessage);
    const seen = await events;
    const statuses = seen.map((e) => e.data.status);
    expect(statuses[0]).toBe("QUEUED");
    expect(statuses.at(-1)).toBe("COMPLETED");
    const running = seen.filter((e) => e.data.status === "RUNNING");
    // The start plus one event per batch of 100 (229 records: 3 batches).
    expect(running.map((e) => e.data.result.processed)).toEqual([0, 100, 200, 229]);
    const progress = seen.map((e) => e.data.progress);
    expect(progress).toEqual([...progress].sort((x, y) => x - y));
    expect(seen.at(-1)?.data.result).toMatchObject({ total: 229, processed: 229, updated: 229, precision: { zip: 229 } });
    // A browser reconnecting to the finished job, with a stream ticket: 204 ends it; one that
    // missed the end gets the terminal event, then the close.
    const reopen = async (lastId: string) => {
      const t = await call("POST", "/api/v1/auth/stream-tickets", { token: owner.token, workspace: ws, body: {} });
      return raw(`/api/v1/recordsets/geocode/jobs/${jobId}/stream?ticket=${t.body.ticket}`, { headers: { "last-event-id": lastId } });
    };
    expect((await reopen(seen.at(-1)?.id as string)).status).toBe(204);
    const missed = await readSse(await reopen(seen.at(-2)?.id as string));
    expect(missed.map((e) => e.data.status)).toEqual(["COMPLETED"]);

    const [first, second] = await geoOf([ids[0] as string, ids[1] as string]);
    expect(first).toMatchObject({ lng: 1, precision: "rooftop" });
    expect(second).toMatchObject({ lat: 37.7725, lng: -122.4147, precision: "zip" });

    // Redelivery: nothing redone.
    await deliver(message as QueueMessage);
    expect((await asOwner("GET", `/api/v1/recordsets/geocode/jobs/${jobId}`)).body.result.updated).toBe(229);

    const list = await asOwner("GET", "/api/v1/recordsets/geocode/jobs?page=1&page_size=100");
    expect(list.status).toBe(200);
    expect(list.body.jobs.find((j: any) => j.job_id === jobId)).toMatchObject({ job_type: "geocode", status: "COMPLETED" });
    const done = await asOwner("GET", "/api/v1/recordsets/geocode/jobs?status=QUEUED");
    expect(done.body.jobs.find((j: any) => j.job_id === jobId)).toBeUndefined();
    expect((await asOwner("GET", "/api/v1/recordsets/geocode/jobs?page_size=101")).status).toBe(422);
    // The member did not start it and is no workspace admin.
    expect((await asMember("GET", `/api/v1/recordsets/geocode/jobs/${jobId}`)).status).toBe(404);
    expect((await asMember("GET", `/api/v1/recordsets/geocode/jobs/${jobId}/stream`)).status).toBe(404);
    expect((await asMember("GET", "/api/v1/recordsets/geocode/jobs")).body.jobs.some((j: any) => j.job_id === jobId)).toBe(false);
    expect((await asOwner("GET", `/api/v1/recordsets/geocode/jobs/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await asOwner("GET", "/api/v1/recordsets/geocode/jobs/not-a-job")).status).toBe(404);
    const other = await call("GET", `/api/v1/recordsets/geocode/jobs/${jobId}`, { token: outsider.token, workspace: outsider.workspaceId });
    expect(other.status).toBe(404);
  });

  it("geocode: 422 without address fields or for unknown ones, 403/404 by grant, nothing queued", async () => {
    const rs = await makeRecordset("nomap", [field("zip")]);
    for (const [body, loc] of [
      [{ recordset_id: rs }, ["body", "address_fields"]],
      [{ recordset_id: rs, address_fields: ["street"] }, ["body", "address_fields", 0]],
      [{ recordset_id: rs, address_fields: "zip" }, ["body", "address_fields"]],
    ] as const) {
      const { r, message } = await startJob(asOwner, "POST", "/api/v1/recordsets/geocode", body);
      expect(r.status).toBe(422);
      expect(r.body.detail[0].loc).toEqual(loc);
      expect(message).toBeUndefined();
    }
    expect(
      (await startJob(asMember, "POST", "/api/v1/recordsets/geocode", { recordset_id: places, address_fields: ["name"] })).r.status,
    ).toBe(403);
    expect(
      (await startJob(asMember, "POST", "/api/v1/recordsets/geocode", { recordset_id: zones, address_fields: ["name"] })).r.status,
    ).toBe(404);
  });

  it("with a Google key: the job speaks Google's wire format; a quota error retries and resumes after the last batch", async () => {
    const rs = await makeRecordset("google", [field("address")]);
    const ids = await withTenant(ws, async (db) => {
      const rows = await db
        .insert(records)
        .values(Array.from({ length: 150 }, (_, i) => ({ recordsetId: rs, title: `g${i}`, fieldValues: { address: `${i} Main St` } })))
        .returning({ id: records.id });
      return rows.map((r) => r.id).sort();
    });
    const { r, message } = await startJob(asOwner, "POST", "/api/v1/recordsets/geocode", { recordset_id: rs, address_fields: ["address"] });
    expect(r.status).toBe(200);
    const asked: string[] = [];
    let quotaOnce = true;
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
      const u = new URL(String(input));
      expect(`${u.origin}${u.pathname}`).toBe("http://google.test/maps/api/geocode/json");
      expect(u.searchParams.get("key")).toBe("test-key");
      const address = u.searchParams.get("address") as string;
      asked.push(address);
      const n = Number.parseInt(address, 10);
      const reply = () => {
        // The first address of batch 2 (ids of one millisecond are not ordered like the inserts,
        // so pick the request, not the record).
        if (asked.length === 101 && quotaOnce) {
          quotaOnce = false;
          return { status: "OVER_QUERY_LIMIT", results: [], error_message: "slow down" };
        }
        if (n === 7) return { status: "ZERO_RESULTS", results: [] };
        const location_type = n % 2 ? "ROOFTOP" : "APPROXIMATE";
        return {
          status: "OK",
          results: [
            { formatted_address: `${n} Main St, Springfield, USA`, geometry: { location: { lat: 10 + n / 1000, lng: 20 }, location_type } },
          ],
        };
      };
      const body = reply();
      return new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });
    });
    const googleEnv = { ...env, GOOGLE_MAPS_API_KEY: "test-key", GOOGLE_MAPS_API_URL: "http://google.test/maps/api/geocode/json" };
    const run = async () => {
      const id = `m-${crypto.randomUUID()}`;
      const batch = createMessageBatch("atrium-imports", [{ id, timestamp: new Date(), attempts: 1, body: message as QueueMessage }]);
      const ctx = createExecutionContext();
      await queue(batch as never, googleEnv as never, ctx);
      return (await getQueueResult(batch, ctx)) as unknown as { retryMessages: { msgId: string }[] };
    };
    // First delivery: batch 1 (records 0…99 in id order) lands, batch 2 hits the quota → retried.
    expect((await run()).retryMessages).toHaveLength(1);
    const mid = (await asOwner("GET", `/api/v1/recordsets/geocode/jobs/${r.body.job_id}`)).body;
    expect(mid).toMatchObject({ status: "RUNNING", result: { processed: 100, total: 150 } });
    const firstAsked = asked.length;
    // Redelivery resumes after the stored cursor: nothing of batch 1 is asked again.
    expect((await run()).retryMessages).toHaveLength(0);
    const secondAsked = asked.slice(firstAsked);
    expect(secondAsked).toHaveLength(50);
    const job = (await asOwner("GET", `/api/v1/recordsets/geocode/jobs/${r.body.job_id}`)).body;
    expect(job).toMatchObject({ status: "COMPLETED", result: { provider: "google", processed: 150, updated: 149, not_found: 1 } });
    expect(job.result.precision.rooftop + job.result.precision.approximate).toBe(149);
    const geo = await geoOf(ids);
    expect(geo.filter((g) => g?.lat !== null)).toHaveLength(149);
    expect(geo.find((g) => g?.precision === "rooftop")).toMatchObject({ lng: 20 });
  });

  it("a job whose requester lost access fails without writing", async () => {
    // The member created it (so is its admin), starts a geocode, then the recordset changes hands.
    const rs = await makeRecordset("revoked", [field("zip")]);
    await withTenant(ws, (db) => db.update(recordsets).set({ createdByMemberId: member.memberId }).where(eq(recordsets.id, rs)));
    const [id] = await addRecords(rs, [{ title: "x", values: { zip: "78701" } }]);
    const { r, message } = await startJob(asMember, "POST", "/api/v1/recordsets/geocode", { recordset_id: rs, address_fields: ["zip"] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await withTenant(ws, (db) => db.update(recordsets).set({ createdByMemberId: null }).where(eq(recordsets.id, rs)));
    expect(await deliver(message as QueueMessage)).toMatchObject({ retryMessages: [] });
    const job = await asMember("GET", `/api/v1/recordsets/geocode/jobs/${r.body.job_id}`);
    expect(job.body).toMatchObject({ status: "FAILED", error_message: "Recordset not found" });
    expect((await geoOf([id as string]))[0]).toMatchObject({ lat: null });
  });
});

describeSecurity("geo", [
  { method: "GET", path: "/api/v1/records/map/stream?recordset_id=x", workspace: true },
  {
    method: "POST",
    path: "/api/v1/records/spatial-filter",
    workspace: true,
    body: { target_recordset_id: "x", source_geometry: { type: "Point", coordinates: [0, 0] }, operation: "intersects" },
  },
  {
    method: "POST",
    path: "/api/v1/recordsets/00000000-0000-7000-8000-000000000000/enable-map",
    workspace: true,
    body: { geometry_field: "g" },
  },
  { method: "POST", path: "/api/v1/recordsets/geocode", workspace: true, body: { recordset_id: "x", address_fields: ["a"] } },
  { method: "GET", path: "/api/v1/recordsets/geocode/jobs", workspace: true },
  { method: "GET", path: "/api/v1/recordsets/geocode/jobs/00000000-0000-4000-8000-000000000000", workspace: true },
  { method: "GET", path: "/api/v1/recordsets/geocode/jobs/00000000-0000-4000-8000-000000000000/stream", workspace: true },
]);
