// The expression library must not generate code: workerd refuses eval and new Function in production.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";

describe("@marcbachmann/cel-js", () => {
  it("has no eval, new Function or Function(...) in its source", () => {
    const lib = dirname(createRequire(import.meta.url).resolve("@marcbachmann/cel-js"));
    const files = readdirSync(lib).filter((f) => f.endsWith(".js"));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const src = readFileSync(join(lib, f), "utf8");
      expect(src, f).not.toMatch(/\beval\s*\(|new\s+Function\b|[^\w.]Function\s*\(|\.constructor\s*\(/);
    }
  });
});
