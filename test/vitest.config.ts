import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

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
            API_URL: "http://atrium.test",
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
    hookTimeout: 60_000,
    deps: { optimizer: { ssr: { enabled: true, include: ["jose", "@neondatabase/api-client", "axios"] } } },
  },
});
