// `npm run test:browser`: a real Chromium (Debian's `chromium`, driven by puppeteer-core) against
// `wrangler dev` on a throwaway stack, from a page on another origin. Node-side tests, not part of
// `npm test`: they need the browser (`apt-get install -y chromium`; CHROMIUM_PATH overrides
// /usr/bin/chromium).
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export default defineConfig({
  root,
  test: {
    dir: root,
    include: ["test/browser/**/*.browser.ts"],
    globalSetup: ["./test/browser/global-setup.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // One browser and one wrangler: files run one after another.
    fileParallelism: false,
  },
});
