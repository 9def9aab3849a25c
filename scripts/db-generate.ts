// Generates SQL migrations from the Drizzle tables (control and tenant) and the bundling index.
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeIndex } from "./migrations.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const name = process.argv[2];
for (const scope of ["control", "tenant"] as const) {
  const args = ["drizzle-kit", "generate", "--config", `drizzle.${scope}.config.ts`];
  if (name) args.push("--name", name);
  execFileSync("npx", args, { cwd: root, stdio: "inherit" });
  writeIndex(root, scope);
}
