import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { buildAssets } from "../scripts/build-assets.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// The ASSETS binding serves .assets/ (wrangler runs this as its [build] step; the pool does not).
buildAssets();

export default defineConfig({
  root,
  plugins: [
    cloudflareTest(({ inject }) => {
      const stack = inject("stack");
      return {
        main: "./src/index.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            ENVIRONMENT: "test",
            DATABASE_URL: stack.controlUrl,
            DB_WS_PROXY: stack.proxy,
            OPENAI_BASE_URL: stack.aiUrl,
            // Short, so the model server's scripted hangs turn into 504s quickly.
            AI_TIMEOUT_MS: "3000",
            API_URL: "http://atrium.test",
            INTEGRATION_PROVIDER_URL: stack.providersUrl,
            // scripts/stripe-fake.ts: the key and webhook secret are the development values it accepts and signs with.
            STRIPE_API_URL: stack.stripeUrl,
            STRIPE_SECRET_KEY: "sk_test_atrium_local_0123456789",
            STRIPE_WEBHOOK_SECRET: "whsec_dev_atrium_local_0123456789abcdef",
          },
        },
      };
    }),
  ],
  test: {
    dir: root,
    include: ["test/**/*.test.ts"],
    globalSetup: ["./test/global-setup.ts"],
    testTimeout: 30_000,
    // Per-request access logs drown test output. So do idle-socket warnings: every nested
    // exports.default.fetch of a test shares one I/O context, whose connection limit makes the
    // runtime cut idle pooled sockets (not seen under wrangler dev, where requests are separate).
    onConsoleLog: (log) => !(log.includes('"msg":"request"') || log.includes("pg idle connection lost")),
    hookTimeout: 60_000,
    // Every dependency the Worker and tests load is pre-bundled up front: a dependency discovered
    // mid-run makes Vite re-bundle and fail the test file that was loading ("new version of the pre-bundle").
    // Dependencies that need pre-bundling for workerd (Node builds, CommonJS) are listed up front:
    // one discovered mid-run makes Vite re-bundle and fail the test file that was loading.
    // Not hono/zod/drizzle: a second, pre-bundled copy of hono would break instanceof checks.
    deps: {
      optimizer: {
        ssr: {
          enabled: true,
          include: [
            "jose",
            "@neondatabase/api-client",
            "axios",
            "openai",
            "livekit-server-sdk",
            "zipcodes/lib/states.js",
            "@zip.js/zip.js/lib/zip-core-reader.js",
            "htmlparser2",
            "standardwebhooks",
          ],
        },
      },
    },
  },
});
