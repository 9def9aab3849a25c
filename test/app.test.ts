import { describe, expect, it } from "vitest";
import { call } from "./harness";

describe("app", () => {
  it("reports health after checking the control database", async () => {
    const r = await call("GET", "/health");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: "ok", database: "ok" });
    expect(r.headers.get("x-request-id")).toBeTruthy();
  });
});
