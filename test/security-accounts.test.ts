// Attacks on accounts and shared settings, each through the real app (issue items 6 and 7).
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { recordsetViews } from "../src/modules/recordsets/tables";
import { call, databaseUrl, join, signup, withDb } from "./harness";

describe("recordset views: the default view is the recordset's admins' choice", () => {
  it("a viewer or plain member cannot make their view the default for everyone, on create or update", async () => {
    const owner = await signup();
    const [viewer, member] = await Promise.all([join(owner, "viewer"), join(owner, "member")]);
    const ws = owner.workspaceId;
    const as = (token: string) => (method: string, path: string, body?: unknown) => call(method, path, { token, workspace: ws, body });
    const asOwner = as(owner.token);
    const set = await asOwner("POST", "/api/v1/recordsets", {
      name: `Deals ${crypto.randomUUID().slice(0, 8)}`,
      fields: [{ key: "company", name: "Company", type: "text", is_primary: true }],
    });
    expect(set.status, JSON.stringify(set.body)).toBe(201);
    const views = `/api/v1/recordsets/${set.body.slug}/views`;
    for (const m of [viewer, member]) {
      expect((await asOwner("POST", `/api/v1/recordsets/${set.body.slug}/access`, { member_id: m.memberId })).status).toBeLessThan(300);
    }
    const chosen = await asOwner("POST", views, { name: "Pipeline", is_default: true });
    expect(chosen.status).toBe(201);
    const stored = () =>
      withDb(databaseUrl(`ws_${ws.replace(/-/g, "")}`), (db) =>
        db.select().from(recordsetViews).where(eq(recordsetViews.recordsetId, set.body.id)),
      );
    const before = await stored();

    for (const m of [viewer, member]) {
      const attack = await as(m.token)("POST", views, { name: "Mine for all", is_default: true });
      expect(attack.status, JSON.stringify(attack.body)).toBe(403);
    }
    expect(await stored()).toEqual(before);

    // Their own view is fine, but making it the default is not.
    const own = await as(viewer.token)("POST", views, { name: "Mine" });
    expect(own.status).toBe(201);
    const promote = await as(viewer.token)("PUT", `${views}/${own.body.id}`, { is_default: true, name: "Renamed" });
    expect(promote.status).toBe(403);
    const list = await as(viewer.token)("GET", views);
    expect(list.body.map((v: { name: string; is_default: boolean }) => [v.name, v.is_default])).toEqual([
      ["Pipeline", true],
      ["Mine", false],
    ]);

    // An is_admin grant on the recordset is the right to choose it.
    await asOwner("POST", `/api/v1/recordsets/${set.body.slug}/access`, { member_id: member.memberId, is_admin: true });
    expect((await as(member.token)("PUT", `${views}/${own.body.id}`, { is_default: true })).body.is_default).toBe(true);
  });
});
