import type { Bindings } from "../../env";
import { ServiceError } from "../../platform/errors";

/**
 * Geocoding behind one interface. Production: Google's Geocoding API (GOOGLE_MAPS_API_KEY).
 * Without a key: an offline gazetteer of US ZIP centroids (the `zipcodes` npm package, BSD,
 * 42,555 ZIPs with city and state), which places an address at its ZIP's centroid or, without a
 * ZIP, at its city's centroid, and says so in `precision`.
 */

/** How exact a result is: Google's location types, or the gazetteer's two levels. */
export type GeoPrecision = "rooftop" | "range_interpolated" | "geometric_center" | "approximate" | "zip" | "city";
export type GeocoderName = "google" | "offline-gazetteer";

export interface GeocodeResult {
  lat: number;
  lng: number;
  precision: GeoPrecision;
  provider: GeocoderName;
  /** What the provider matched (formatted address, or "Austin, TX 78701"). */
  matched: string;
}

export interface Geocoder {
  readonly name: GeocoderName;
  /** null: no match. Throws a retryable ServiceError for transient provider trouble. */
  geocode(address: string, signal?: AbortSignal): Promise<GeocodeResult | null>;
}

// ---- Google -------------------------------------------------------------------------------------

export const GOOGLE_GEOCODE_URL = "https://maps.googleapis.com/maps/api/geocode/json";
const GOOGLE_TIMEOUT_MS = 10_000;

const GOOGLE_PRECISION: Record<string, GeoPrecision> = {
  ROOFTOP: "rooftop",
  RANGE_INTERPOLATED: "range_interpolated",
  GEOMETRIC_CENTER: "geometric_center",
  APPROXIMATE: "approximate",
};

interface GoogleResponse {
  status?: string;
  error_message?: string;
  results?: { formatted_address?: string; geometry?: { location?: { lat?: number; lng?: number }; location_type?: string } }[];
}

/** Google Geocoding API over fetch (its JSON wire format); `fetcher` is replaceable for tests. */
export class GoogleGeocoder implements Geocoder {
  readonly name = "google" as const;
  constructor(
    private readonly apiKey: string,
    private readonly baseUrl: string = GOOGLE_GEOCODE_URL,
    private readonly fetcher: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  async geocode(address: string, signal?: AbortSignal): Promise<GeocodeResult | null> {
    const url = new URL(this.baseUrl);
    url.searchParams.set("address", address);
    url.searchParams.set("key", this.apiKey);
    const timeout = AbortSignal.timeout(GOOGLE_TIMEOUT_MS);
    let res: Response;
    try {
      res = await this.fetcher(url.toString(), { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    } catch (e) {
      throw new ServiceError("service_unavailable", "The geocoding provider could not be reached", { retryable: true, cause: e });
    }
    if (res.status >= 500 || res.status === 429) {
      throw new ServiceError("service_unavailable", `The geocoding provider answered ${res.status}`, { retryable: true });
    }
    let body: GoogleResponse;
    try {
      body = (await res.json()) as GoogleResponse;
    } catch (e) {
      throw new ServiceError("service_unavailable", "The geocoding provider sent an unreadable answer", { retryable: true, cause: e });
    }
    switch (body.status) {
      case "OK": {
        const first = body.results?.[0];
        const loc = first?.geometry?.location;
        if (typeof loc?.lat !== "number" || typeof loc.lng !== "number") return null;
        return {
          lat: loc.lat,
          lng: loc.lng,
          precision: GOOGLE_PRECISION[first?.geometry?.location_type ?? ""] ?? "approximate",
          provider: "google",
          matched: first?.formatted_address ?? address,
        };
      }
      case "ZERO_RESULTS":
        return null;
      case "OVER_QUERY_LIMIT":
      case "UNKNOWN_ERROR":
        throw new ServiceError("service_unavailable", `Geocoding provider: ${body.status}`, { retryable: true });
      default:
        // REQUEST_DENIED (bad key), INVALID_REQUEST, OVER_DAILY_LIMIT: retrying will not help.
        throw new ServiceError(
          "bad_request",
          `Geocoding provider refused the request: ${body.status ?? res.status}${body.error_message ? ` (${body.error_message})` : ""}`,
        );
    }
  }
}

// ---- offline gazetteer --------------------------------------------------------------------------

interface ZipRow {
  zip: string;
  latitude: number;
  longitude: number;
  city: string;
  state: string;
}

interface Gazetteer {
  zips: Map<string, ZipRow>;
  /** "AUSTIN|TX" → centroid of the city's ZIP centroids. */
  cities: Map<string, { lat: number; lng: number; city: string; state: string }>;
  /** "TEXAS" → "TX". */
  stateNames: Map<string, string>;
  stateCodes: Set<string>;
}

/** Path of the ZIP table among the static assets (scripts/build-assets.ts writes it). */
export const GAZETTEER_ASSET_PATH = "/geo/us-zips.tsv";

let gazetteer: Promise<Gazetteer> | undefined;

/**
 * Loaded on first use, once per isolate: the ZIP table (1.5 MB TSV) is a static asset, not
 * part of the script, so it costs nothing at startup and only isolates that geocode fetch it.
 */
function loadGazetteer(assets: Fetcher | undefined): Promise<Gazetteer> {
  gazetteer ??= (async () => {
    if (!assets) throw new ServiceError("service_unavailable", "The offline gazetteer is not deployed (ASSETS binding missing)");
    const [res, states] = await Promise.all([
      assets.fetch(`https://assets.local${GAZETTEER_ASSET_PATH}`),
      import("zipcodes/lib/states.js"),
    ]);
    if (!res.ok) {
      throw new ServiceError("service_unavailable", `The offline gazetteer could not be read (${res.status})`, { retryable: true });
    }
    const zips = new Map<string, ZipRow>();
    const sums = new Map<string, { lat: number; lng: number; n: number; city: string; state: string }>();
    for (const line of (await res.text()).split("\n")) {
      const [zip, lat, lng, city, state] = line.split("\t");
      if (!zip || !city || !state) continue;
      const z = { zip, latitude: Number(lat), longitude: Number(lng), city, state };
      zips.set(zip, z);
      const key = `${normalise(city)}|${state}`;
      const s = sums.get(key) ?? { lat: 0, lng: 0, n: 0, city, state };
      s.lat += z.latitude;
      s.lng += z.longitude;
      s.n++;
      sums.set(key, s);
    }
    const cities = new Map<string, { lat: number; lng: number; city: string; state: string }>();
    for (const [k, s] of sums) cities.set(k, { lat: round(s.lat / s.n), lng: round(s.lng / s.n), city: s.city, state: s.state });
    const stateNames = new Map(Object.entries(states.full).map(([name, code]) => [name, code]));
    return { zips, cities, stateNames, stateCodes: new Set(Object.values(states.full)) };
  })().catch((e) => {
    gazetteer = undefined;
    throw e;
  });
  return gazetteer;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;
const normalise = (s: string) =>
  s
    .toUpperCase()
    .replace(/[^A-Z0-9 ]+/g, " ")
    .replace(/\bSAINT\b/g, "ST")
    .replace(/\s+/g, " ")
    .trim();

/**
 * Reads "…, City, ST 12345" style US addresses. A known ZIP (the last 5-digit group, so a
 * 5-digit house number does not win) gives ZIP precision; otherwise "City, ST" / "City, State"
 * / "City ST" gives city precision.
 */
export class OfflineGazetteer implements Geocoder {
  readonly name = "offline-gazetteer" as const;
  constructor(private readonly assets: Fetcher | undefined) {}

  async geocode(address: string): Promise<GeocodeResult | null> {
    const g = await loadGazetteer(this.assets);
    const zipMatches = [...address.matchAll(/\b(\d{5})(?:-\d{4})?\b/g)].map((m) => m[1] as string);
    for (const zip of zipMatches.reverse()) {
      const z = g.zips.get(zip);
      if (z) return { lat: z.latitude, lng: z.longitude, precision: "zip", provider: this.name, matched: `${z.city}, ${z.state} ${z.zip}` };
    }
    const hit = findCity(g, address);
    return hit ? { lat: hit.lat, lng: hit.lng, precision: "city", provider: this.name, matched: `${hit.city}, ${hit.state}` } : null;
  }
}

function stateCode(g: Gazetteer, s: string): string | undefined {
  if (g.stateCodes.has(s)) return s;
  return g.stateNames.get(s);
}

function findCity(g: Gazetteer, address: string) {
  // Segments without ZIPs and country names, last first: "1 Main St, Austin, TX 78701, USA".
  const parts = address
    .split(/[,\n;]+/)
    .map((p) => normalise(p.replace(/\b\d{5}(?:-\d{4})?\b/g, "")))
    .filter((p) => p && !/^(USA?|UNITED STATES( OF AMERICA)?)$/.test(p));
  for (let i = parts.length - 1; i >= 0; i--) {
    const seg = parts[i] as string;
    // "TX" or "TEXAS" alone: the city is the segment before.
    const whole = stateCode(g, seg);
    const prev = parts[i - 1];
    if (whole && prev) {
      const c = g.cities.get(`${prev}|${whole}`);
      if (c) return c;
    }
    // "AUSTIN TX" / "NEW YORK NEW YORK": the state is the last one or two words.
    const words = seg.split(" ");
    for (const n of [1, 2, 3]) {
      if (words.length <= n) break;
      const st = stateCode(g, words.slice(-n).join(" "));
      if (!st) continue;
      const c = g.cities.get(`${words.slice(0, -n).join(" ")}|${st}`);
      if (c) return c;
    }
  }
  return null;
}

/** The provider this deployment uses: Google with a key, else the offline gazetteer. */
export function geocoderFor(env: Pick<Bindings, "GOOGLE_MAPS_API_KEY" | "GOOGLE_MAPS_API_URL" | "ASSETS">): Geocoder {
  return env.GOOGLE_MAPS_API_KEY
    ? new GoogleGeocoder(env.GOOGLE_MAPS_API_KEY, env.GOOGLE_MAPS_API_URL || GOOGLE_GEOCODE_URL)
    : new OfflineGazetteer(env.ASSETS);
}
