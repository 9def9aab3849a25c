/**
 * Small exact geometry for the spatial filter and the map stream, in place of PostGIS (which the
 * embedded Postgres of development and tests lacks). GeoJSON in lon/lat degrees; predicates are
 * planar on those coordinates, as PostGIS' `geometry` (SRID 4326) operators are. Distances are in
 * metres: haversine between points, a local equirectangular projection around the point for
 * point-to-segment (error well under 1% for segments up to ~100 km away from the point).
 * No dependency: turf's predicates throw on some type pairs (e.g. within a MultiPolygon) and
 * @turf/buffer pulls in JSTS (~1 MB); a buffer here is a distance test instead.
 */

export type Position = [number, number];
export type BBox = [number, number, number, number];

export type Geometry =
  | { type: "Point"; coordinates: Position }
  | { type: "MultiPoint"; coordinates: Position[] }
  | { type: "LineString"; coordinates: Position[] }
  | { type: "MultiLineString"; coordinates: Position[][] }
  | { type: "Polygon"; coordinates: Position[][] }
  | { type: "MultiPolygon"; coordinates: Position[][][] }
  | { type: "GeometryCollection"; geometries: Geometry[] };

export const GEOMETRY_TYPES = [
  "Point",
  "MultiPoint",
  "LineString",
  "MultiLineString",
  "Polygon",
  "MultiPolygon",
  "GeometryCollection",
] as const;

/** Largest geometry accepted (positions in all): bigger shapes belong in a tiled layer, not a record. */
export const MAX_POSITIONS = 100_000;

const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;
const EPS = 1e-12;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

// ---- parsing ------------------------------------------------------------------------------------

export type ParsedGeometry = { ok: true; geometry: Geometry } | { ok: false; reason: string };

/**
 * Validates GeoJSON (a geometry, or a Feature's geometry; also a JSON string of one) and returns
 * it with positions cut to [lng, lat]. Reasons are user-facing.
 */
export function parseGeometry(input: unknown): ParsedGeometry {
  let v = input;
  if (typeof v === "string") {
    try {
      v = JSON.parse(v);
    } catch {
      return { ok: false, reason: "is not valid JSON" };
    }
  }
  if (isObj(v) && v.type === "Feature") v = v.geometry;
  const count = { n: 0 };
  try {
    return { ok: true, geometry: readGeometry(v, 0, count) };
  } catch (e) {
    return { ok: false, reason: e instanceof GeometryError ? e.message : "is not a valid GeoJSON geometry" };
  }
}

class GeometryError extends Error {}

function readPosition(v: unknown, count: { n: number }): Position {
  if (!Array.isArray(v) || v.length < 2) throw new GeometryError("positions must be [lng, lat] arrays");
  const [lng, lat] = v;
  if (typeof lng !== "number" || typeof lat !== "number" || !Number.isFinite(lng) || !Number.isFinite(lat)) {
    throw new GeometryError("positions must be [lng, lat] numbers");
  }
  if (Math.abs(lng) > 180 || Math.abs(lat) > 90) throw new GeometryError("positions must have lng within ±180 and lat within ±90");
  if (++count.n > MAX_POSITIONS) throw new GeometryError(`a geometry may have at most ${MAX_POSITIONS} positions`);
  return [lng, lat];
}

function readList<T>(v: unknown, what: string, f: (x: unknown) => T): T[] {
  if (!Array.isArray(v)) throw new GeometryError(`${what} must be an array`);
  return v.map(f);
}

function readLine(v: unknown, count: { n: number }): Position[] {
  const line = readList(v, "LineString coordinates", (p) => readPosition(p, count));
  if (line.length < 2) throw new GeometryError("a LineString needs at least 2 positions");
  return line;
}

function readPolygon(v: unknown, count: { n: number }): Position[][] {
  const rings = readList(v, "Polygon coordinates", (r) => readList(r, "a Polygon ring", (p) => readPosition(p, count)));
  if (rings.length === 0) throw new GeometryError("a Polygon needs at least one ring");
  for (const ring of rings) {
    const first = ring[0];
    const last = ring[ring.length - 1];
    if (ring.length < 4 || !first || !last || first[0] !== last[0] || first[1] !== last[1]) {
      throw new GeometryError("Polygon rings need at least 4 positions and must be closed (first = last)");
    }
  }
  return rings;
}

function readGeometry(v: unknown, depth: number, count: { n: number }): Geometry {
  if (!isObj(v) || typeof v.type !== "string") throw new GeometryError("must be a GeoJSON geometry object with a type");
  const c = v.coordinates;
  switch (v.type) {
    case "Point":
      return { type: "Point", coordinates: readPosition(c, count) };
    case "MultiPoint":
      return { type: "MultiPoint", coordinates: readList(c, "MultiPoint coordinates", (p) => readPosition(p, count)) };
    case "LineString":
      return { type: "LineString", coordinates: readLine(c, count) };
    case "MultiLineString":
      return { type: "MultiLineString", coordinates: readList(c, "MultiLineString coordinates", (l) => readLine(l, count)) };
    case "Polygon":
      return { type: "Polygon", coordinates: readPolygon(c, count) };
    case "MultiPolygon":
      return { type: "MultiPolygon", coordinates: readList(c, "MultiPolygon coordinates", (p) => readPolygon(p, count)) };
    case "GeometryCollection":
      if (depth > 0) throw new GeometryError("GeometryCollections cannot be nested");
      return {
        type: "GeometryCollection",
        geometries: readList(v.geometries, "GeometryCollection geometries", (g) => readGeometry(g, depth + 1, count)),
      };
    default:
      throw new GeometryError(`unknown geometry type ${JSON.stringify(v.type)} (${GEOMETRY_TYPES.join(", ")})`);
  }
}

// ---- decomposition ------------------------------------------------------------------------------

/** A geometry as its parts: lone points, polylines (as position chains) and polygons (rings). */
interface Parts {
  points: Position[];
  lines: Position[][];
  polygons: Position[][][];
}

function partsOf(g: Geometry, out: Parts = { points: [], lines: [], polygons: [] }): Parts {
  switch (g.type) {
    case "Point":
      out.points.push(g.coordinates);
      break;
    case "MultiPoint":
      out.points.push(...g.coordinates);
      break;
    case "LineString":
      out.lines.push(g.coordinates);
      break;
    case "MultiLineString":
      out.lines.push(...g.coordinates);
      break;
    case "Polygon":
      out.polygons.push(g.coordinates);
      break;
    case "MultiPolygon":
      out.polygons.push(...g.coordinates);
      break;
    case "GeometryCollection":
      for (const x of g.geometries) partsOf(x, out);
      break;
  }
  return out;
}

/** Every segment (lines and polygon rings). */
function segmentsOf(p: Parts): [Position, Position][] {
  const out: [Position, Position][] = [];
  const chain = (c: Position[]) => {
    for (let i = 1; i < c.length; i++) out.push([c[i - 1] as Position, c[i] as Position]);
  };
  for (const l of p.lines) chain(l);
  for (const poly of p.polygons) for (const r of poly) chain(r);
  return out;
}

/** Every vertex (points, line vertices, ring vertices). */
function verticesOf(p: Parts): Position[] {
  const out: Position[] = [...p.points];
  for (const l of p.lines) out.push(...l);
  for (const poly of p.polygons) for (const r of poly) out.push(...r);
  return out;
}

export function bboxOf(g: Geometry): BBox | null {
  const vs = verticesOf(partsOf(g));
  if (vs.length === 0) return null;
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of vs) {
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  return [minX, minY, maxX, maxY];
}

/** A bbox grown by `meters` on every side (longitude degrees widen with latitude). */
export function expandBBox(b: BBox, meters: number): BBox {
  if (meters <= 0) return b;
  const dLat = meters / (EARTH_RADIUS_M * RAD);
  const maxAbsLat = Math.min(89.9, Math.max(Math.abs(b[1]), Math.abs(b[3])) + dLat);
  const dLng = meters / (EARTH_RADIUS_M * RAD * Math.cos(maxAbsLat * RAD));
  return [Math.max(-180, b[0] - dLng), Math.max(-90, b[1] - dLat), Math.min(180, b[2] + dLng), Math.min(90, b[3] + dLat)];
}

export const bboxesOverlap = (a: BBox, b: BBox) => a[0] <= b[2] && a[2] >= b[0] && a[1] <= b[3] && a[3] >= b[1];

// ---- planar predicates --------------------------------------------------------------------------

const cross = (o: Position, a: Position, b: Position) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);

function onSegment(p: Position, a: Position, b: Position): boolean {
  if (Math.abs(cross(a, b, p)) > EPS * Math.max(1, Math.abs(b[0] - a[0]) + Math.abs(b[1] - a[1]))) return false;
  return (
    Math.min(a[0], b[0]) - EPS <= p[0] &&
    p[0] <= Math.max(a[0], b[0]) + EPS &&
    Math.min(a[1], b[1]) - EPS <= p[1] &&
    p[1] <= Math.max(a[1], b[1]) + EPS
  );
}

const sign = (x: number) => (x > EPS ? 1 : x < -EPS ? -1 : 0);

/** Whether two closed segments share any point. */
function segmentsIntersect(a: Position, b: Position, c: Position, d: Position): boolean {
  const d1 = sign(cross(c, d, a));
  const d2 = sign(cross(c, d, b));
  const d3 = sign(cross(a, b, c));
  const d4 = sign(cross(a, b, d));
  if (d1 * d2 < 0 && d3 * d4 < 0) return true;
  return (
    (d1 === 0 && onSegment(a, c, d)) ||
    (d2 === 0 && onSegment(b, c, d)) ||
    (d3 === 0 && onSegment(c, a, b)) ||
    (d4 === 0 && onSegment(d, a, b))
  );
}

/** Whether two segments cross at a single point interior to both (not touching, not collinear). */
function segmentsCrossProperly(a: Position, b: Position, c: Position, d: Position): boolean {
  return sign(cross(c, d, a)) * sign(cross(c, d, b)) < 0 && sign(cross(a, b, c)) * sign(cross(a, b, d)) < 0;
}

function inRing(p: Position, ring: Position[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as Position;
    const [xj, yj] = ring[j] as Position;
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function onRing(p: Position, ring: Position[]): boolean {
  for (let i = 1; i < ring.length; i++) if (onSegment(p, ring[i - 1] as Position, ring[i] as Position)) return true;
  return false;
}

type Location = "inside" | "boundary" | "outside";

/** Where a point is relative to a polygon with holes. */
function locateInPolygon(p: Position, rings: Position[][]): Location {
  const [outer, ...holes] = rings;
  if (!outer) return "outside";
  if (onRing(p, outer)) return "boundary";
  if (!inRing(p, outer)) return "outside";
  for (const h of holes) {
    if (onRing(p, h)) return "boundary";
    if (inRing(p, h)) return "outside";
  }
  return "inside";
}

const covers = (rings: Position[][], p: Position) => locateInPolygon(p, rings) !== "outside";
const samePoint = (a: Position, b: Position) => Math.abs(a[0] - b[0]) <= EPS && Math.abs(a[1] - b[1]) <= EPS;
const mid = (a: Position, b: Position): Position => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];

/** Whether a point lies on (or in) any part. */
function pointTouches(p: Position, parts: Parts): boolean {
  if (parts.points.some((q) => samePoint(p, q))) return true;
  for (const l of parts.lines) for (let i = 1; i < l.length; i++) if (onSegment(p, l[i - 1] as Position, l[i] as Position)) return true;
  return parts.polygons.some((poly) => covers(poly, p));
}

/** Whether the geometries share at least one point (OGC intersects). */
export function intersects(a: Geometry, b: Geometry): boolean {
  const pa = partsOf(a);
  const pb = partsOf(b);
  for (const p of pa.points) if (pointTouches(p, pb)) return true;
  for (const p of pb.points) if (pointTouches(p, pa)) return true;
  const sb = segmentsOf(pb);
  for (const [s, t] of segmentsOf(pa)) for (const [u, v] of sb) if (segmentsIntersect(s, t, u, v)) return true;
  // No boundaries cross: one shape may still lie wholly inside a polygon of the other.
  for (const l of [...pa.lines, ...pa.polygons.map((r) => r[0] as Position[])]) {
    const first = l[0];
    if (first && pb.polygons.some((poly) => covers(poly, first))) return true;
  }
  for (const l of [...pb.lines, ...pb.polygons.map((r) => r[0] as Position[])]) {
    const first = l[0];
    if (first && pa.polygons.some((poly) => covers(poly, first))) return true;
  }
  return false;
}

/** Whether a chain of positions (a line, or a ring) stays within one polygon. */
function chainCoveredBy(chain: Position[], poly: Position[][]): boolean {
  if (!chain.every((p) => covers(poly, p))) return false;
  for (let i = 1; i < chain.length; i++) {
    const a = chain[i - 1] as Position;
    const b = chain[i] as Position;
    // A segment whose ends are covered can still leave a concave polygon: through a proper
    // crossing of its boundary, or by touching a vertex and coming back (its midpoint is outside).
    for (const ring of poly)
      for (let k = 1; k < ring.length; k++) if (segmentsCrossProperly(a, b, ring[k - 1] as Position, ring[k] as Position)) return false;
    if (!covers(poly, mid(a, b))) return false;
  }
  return true;
}

/** Whether a polygon A lies within polygon B: its outer ring is covered and no hole of B is inside A. */
function polygonCoveredBy(a: Position[][], b: Position[][]): boolean {
  const outer = a[0];
  if (!outer || !chainCoveredBy(outer, b)) return false;
  for (const hole of b.slice(1)) {
    const inA =
      hole.some((p) => locateInPolygon(p, a) === "inside") ||
      (hole[0] && hole[1] && locateInPolygon(mid(hole[0], hole[1]), a) === "inside");
    if (inA) return false;
  }
  return true;
}

function chainOnLines(chain: Position[], lines: Position[][]): boolean {
  const on = (p: Position) => lines.some((l) => l.some((_, i) => i > 0 && onSegment(p, l[i - 1] as Position, l[i] as Position)));
  if (!chain.every(on)) return false;
  for (let i = 1; i < chain.length; i++) if (!on(mid(chain[i - 1] as Position, chain[i] as Position))) return false;
  return true;
}

/**
 * Whether every part of A lies within B, boundary included (PostGIS ST_CoveredBy; for points in a
 * polygon the same as ST_Within except exactly on the edge). Each part of A must lie in one part of B.
 */
export function within(a: Geometry, b: Geometry): boolean {
  const pa = partsOf(a);
  const pb = partsOf(b);
  if (pa.points.length + pa.lines.length + pa.polygons.length === 0) return false;
  for (const p of pa.points) if (!pointTouches(p, pb)) return false;
  for (const l of pa.lines) {
    if (!pb.polygons.some((poly) => chainCoveredBy(l, poly)) && !chainOnLines(l, pb.lines)) return false;
  }
  for (const poly of pa.polygons) if (!pb.polygons.some((q) => polygonCoveredBy(poly, q))) return false;
  return true;
}

// ---- distance -----------------------------------------------------------------------------------

/** Great-circle distance between two positions, metres. */
export function haversine(a: Position, b: Position): number {
  const dLat = (b[1] - a[1]) * RAD;
  const dLng = (b[0] - a[0]) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * RAD) * Math.cos(b[1] * RAD) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

const wrap = (d: number) => (d > 180 ? d - 360 : d < -180 ? d + 360 : d);

/** Distance from p to segment ab, metres, in a local equirectangular projection centred on p. */
function pointSegmentMeters(p: Position, a: Position, b: Position): number {
  const k = Math.cos(p[1] * RAD);
  const ax = wrap(a[0] - p[0]) * k;
  const ay = a[1] - p[1];
  const bx = wrap(b[0] - p[0]) * k;
  const by = b[1] - p[1];
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2));
  const cx = ax + t * dx;
  const cy = ay + t * dy;
  // Back to degrees of the closest point, and a haversine from p: exact when the closest point is a vertex.
  return haversine(p, [p[0] + cx / (k || EPS), p[1] + cy]);
}

function pointToPartsMeters(p: Position, parts: Parts, segs: [Position, Position][]): number {
  if (parts.polygons.some((poly) => covers(poly, p))) return 0;
  let best = Infinity;
  for (const q of parts.points) best = Math.min(best, haversine(p, q));
  for (const [a, b] of segs) best = Math.min(best, pointSegmentMeters(p, a, b));
  return best;
}

/**
 * Shortest distance between two geometries in metres (0 when they intersect). Between shapes
 * that do not intersect, the closest pair always involves a vertex of one of them.
 */
export function distanceMeters(a: Geometry, b: Geometry): number {
  if (intersects(a, b)) return 0;
  const pa = partsOf(a);
  const pb = partsOf(b);
  const sa = segmentsOf(pa);
  const sb = segmentsOf(pb);
  let best = Infinity;
  for (const p of verticesOf(pa)) best = Math.min(best, pointToPartsMeters(p, pb, sb));
  for (const p of verticesOf(pb)) best = Math.min(best, pointToPartsMeters(p, pa, sa));
  return best;
}

/** Point geometries are served with lat/lng too; the one point of a geometry, if it is one. */
export function pointOf(g: Geometry): Position | null {
  return g.type === "Point" ? g.coordinates : null;
}
