// Node-side unit tests of the local tooling (scripts/): part of `npm test`, after the Worker suite.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export default defineConfig({
  root,
  test: { dir: root, include: ["test/node/**/*.node.ts"], environment: "node" },
});
