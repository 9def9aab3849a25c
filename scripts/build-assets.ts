// Builds the Worker's static assets (`.assets/`, served through the ASSETS binding, never part
// of the script): the offline gazetteer's US ZIP centroids as one TSV, from the `zipcodes`
// package (BSD), and the API reference UI of /docs from the pinned `swagger-ui-dist` package
// (Apache-2.0). Run by wrangler's [build] step, `npm run dev` and the test config; skips work
// when the output is newer than its source.
import { copyFileSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const ASSETS_DIR = join(ROOT, ".assets");
/** zip, latitude, longitude, city, state — one ZIP a line, no header. */
export const GAZETTEER_ASSET = join(ASSETS_DIR, "geo", "us-zips.tsv");

const mtime = (path: string) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
};

/** The files /docs serves from `.assets/docs/`, by the name the page asks for. */
export const DOCS_FILES = {
  "swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
  "swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
  "init.js": join(ROOT, "scripts", "assets", "docs-init.js"),
} as const;

export function buildAssets(): void {
  const require = createRequire(import.meta.url);
  for (const [name, from] of Object.entries(DOCS_FILES)) {
    const source = require.resolve(from);
    const target = join(ASSETS_DIR, "docs", name);
    if (mtime(target) > mtime(source)) continue;
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(source, target);
  }
  const source = require.resolve("zipcodes/lib/codes.js");
  if (mtime(GAZETTEER_ASSET) > mtime(source)) return;
  const { codes } = require(source) as {
    codes: Record<string, { zip: string; latitude: number; longitude: number; city: string; state: string }>;
  };
  const lines = Object.values(codes).map((z) => `${z.zip}\t${z.latitude}\t${z.longitude}\t${z.city}\t${z.state}`);
  mkdirSync(dirname(GAZETTEER_ASSET), { recursive: true });
  writeFileSync(GAZETTEER_ASSET, `${lines.join("\n")}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) buildAssets();
