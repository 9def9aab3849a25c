import { describe, expect, it } from "vitest";
import { isUuid, uuidv7 } from "../src/platform/ids";

describe("uuidv7", () => {
  it("is a version 7, variant 10 UUID carrying the current millisecond", () => {
    const before = Date.now();
    const id = uuidv7();
    expect(isUuid(id)).toBe(true);
    expect(id[14]).toBe("7");
    expect("89ab").toContain(id[19]);
    const ms = Number.parseInt(id.replaceAll("-", "").slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(Date.now() + 1);
  });

  it("ids made in the same millisecond sort in the order they were made (10,000 in a row)", () => {
    const ids = Array.from({ length: 10_000 }, () => uuidv7());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });
});
