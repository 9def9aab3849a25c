// Hostile input never crashes the server nor answers 500: abandoned request bodies are drained,
// not cancelled; NUL (which PostgreSQL refuses in text and jsonb) is refused at validation;
// unchecked ids and empty updates are 404s and no-ops.
import { beforeAll, describe, expect, it } from "vitest";
import { releaseRequestBody } from "../src/platform/bytes";
import { call, raw, type SignedUp, signup } from "./harness";

let owner: SignedUp;
const as = () => ({ token: owner.token, workspace: owner.workspaceId });
const auth = () => ({ authorization: `Bearer ${owner.token}`, "x-workspace-id": owner.workspaceId });

beforeAll(async () => {
  owner = await signup();
});

/** A body sent in `chunks` pieces, recording how much the server read and whether it cancelled. */
function watchedBody(bytes: Uint8Array, chunks: number) {
  const seen = { pulled: 0, cancelled: false };
  const size = Math.ceil(bytes.length / chunks);
  let at = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      const piece = bytes.slice(at, at + size);
      at += piece.length;
      seen.pulled += piece.length;
      controller.enqueue(piece);
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  return { stream, seen };
}

function multipartFile(name: string, type: string, content: string, boundary = "hostileBoundary42") {
  return new TextEncoder().encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n${content}\r\n--${boundary}--\r\n`,
  );
}

describe("request bodies abandoned early are drained, not cancelled", () => {
  it("a ~100 KB upload of an unsupported type is a 422 after its whole body was read", async () => {
    const body = multipartFile("payload.exe", "application/x-msdownload", "MZ".padEnd(100_000, "x"));
    const { stream, seen } = watchedBody(body, 25);
    const res = await raw("/api/v1/recordsets/import/upload", {
      method: "POST",
      headers: { ...auth(), "content-type": "multipart/form-data; boundary=hostileBoundary42" },
      body: stream,
    });
    expect(res.status).toBe(422);
    expect((await res.json<{ detail: { loc: string[] }[] }>()).detail[0]?.loc).toEqual(["body", "file"]);
    expect(seen.cancelled).toBe(false);
    expect(seen.pulled).toBe(body.length);
  });

  it("a malformed multipart upload (part headers too long) is a 400 after its whole body was read", async () => {
    const body = new TextEncoder().encode(`--b\r\n${"x".repeat(200_000)}`);
    const { stream, seen } = watchedBody(body, 50);
    const res = await raw("/api/v1/recordsets/import/upload", {
      method: "POST",
      headers: { ...auth(), "content-type": "multipart/form-data; boundary=b" },
      body: stream,
    });
    expect(res.status).toBe(400);
    expect(seen.cancelled).toBe(false);
    expect(seen.pulled).toBe(body.length);
  });

  it("releaseRequestBody reads the rest up to its cap, then lets go without cancelling", async () => {
    const small = watchedBody(new Uint8Array(50_000), 10);
    await releaseRequestBody(small.stream.getReader());
    expect(small.seen).toEqual({ pulled: 50_000, cancelled: false });

    const big = watchedBody(new Uint8Array(100_000), 100);
    const reader = big.stream.getReader();
    await releaseRequestBody(reader, 10_000);
    expect(big.seen.cancelled).toBe(false);
    expect(big.seen.pulled).toBeGreaterThanOrEqual(10_000);
    expect(big.seen.pulled).toBeLessThan(100_000);
    // Released: the stream can be locked again.
    big.stream.getReader().releaseLock();
  });
});

describe("NUL (\\u0000) in input", () => {
  it("in a path parameter is a 404 on every kind of id and slug", async () => {
    const paths = [
      ["GET", "/api/v1/channels/a%00b"],
      ["GET", "/api/v1/channels/%00/messages"],
      ["GET", "/api/v1/recordsets/a%00"],
      ["PUT", "/api/v1/recordsets/a%00/views/%00"],
      ["GET", "/api/v1/agents/%00"],
      ["GET", "/api/v1/tracking/%00/tasks"],
      ["GET", "/api/v1/integration-records/%00/count"],
      ["GET", "/api/v1/auth/stripe-invite/%00"],
      ["GET", "/api/v1/meetings/room/%00"],
      ["GET", "/api/v1/tasks/%00"],
      ["GET", "/api/v1/auth/%00"],
    ] as const;
    for (const [method, path] of paths) {
      const r = await call(method, path, { ...as(), ...(method === "PUT" ? { body: {} } : {}) });
      expect({ path, status: r.status, code: r.body.code }).toEqual({ path, status: 404, code: "not_found" });
    }
  });

  it("in a JSON body string is a 422 naming the field", async () => {
    const task = await call("POST", "/api/v1/tasks", { ...as(), body: { title: "a\u0000b" } });
    expect(task.status).toBe(422);
    expect(task.body.code).toBe("validation_error");
    expect(task.body.detail).toEqual([{ loc: ["body", "title"], msg: expect.stringContaining("NUL"), type: "value_error" }]);

    const channel = await call("POST", "/api/v1/channels", { ...as(), body: { name: "\u0000" } });
    expect(channel.status).toBe(422);
    expect(channel.body.detail[0].loc).toEqual(["body", "name"]);

    const me = await call("PUT", "/api/v1/auth/me", { token: owner.token, body: { full_name: "Ada\u0000" } });
    expect(me.status).toBe(422);
    expect(me.body.detail[0].loc).toEqual(["body", "full_name"]);
  });

  it("deep inside a JSON body, in a value or a key, is a 422 with the path to it", async () => {
    const rs = await call("POST", "/api/v1/recordsets", { ...as(), body: { name: "Nul checks" } });
    expect(rs.status).toBe(201);
    const nested = await call("POST", `/api/v1/recordsets/${rs.body.slug}/views`, {
      ...as(),
      body: { name: "v", columns: ["title", "x\u0000"] },
    });
    expect(nested.status).toBe(422);
    expect(nested.body.detail[0].loc).toEqual(["body", "columns", 1]);

    const key = await call("POST", "/api/v1/records", { ...as(), body: { recordset_id: rs.body.id, field_values: { "a\u0000": 1 } } });
    expect(key.status).toBe(422);
    expect(key.body.detail[0].loc).toEqual(["body", "field_values", "a\u0000"]);
  });

  it("in a query parameter is a 422 naming it", async () => {
    const r = await call("GET", `/api/v1/tasks?search=${encodeURIComponent("a\u0000")}`, as());
    expect(r.status).toBe(422);
    expect(r.body.detail[0].loc).toEqual(["query", "search"]);
  });

  it("in a multipart form field is a 422; in a file name, a 400", async () => {
    const task = await call("POST", "/api/v1/tasks", { ...as(), body: { title: "Complete me" } });
    expect(task.status).toBe(201);
    const form = new FormData();
    form.append("comment", "done\u0000");
    const done = await raw(`/api/v1/tasks/${task.body.id}/complete`, { method: "POST", headers: auth(), body: form });
    expect(done.status).toBe(422);
    expect((await done.json<{ detail: { loc: unknown[] }[] }>()).detail[0]?.loc).toEqual(["body", "comment"]);

    const channel = await call("POST", "/api/v1/channels", { ...as(), body: { name: "nul-files" } });
    expect(channel.status).toBe(201);
    const upload = await raw(`/api/v1/channels/${channel.body.slug}/files`, {
      method: "POST",
      headers: { ...auth(), "content-type": "multipart/form-data; boundary=hostileBoundary42" },
      body: multipartFile("a\u0000.txt", "text/plain", "hello"),
    });
    // The runtime's form parser refuses it before any handler sees the file.
    expect(upload.status).toBe(400);
  });
});

describe("unchecked ids and empty updates", () => {
  it("POST /auth/{user_id}/avatar with an id that is not a uuid is a 404", async () => {
    const form = new FormData();
    form.append("file", new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])], "a.png", { type: "image/png" }));
    for (const id of ["not-a-uuid", "1", "'"]) {
      const res = await raw(`/api/v1/auth/${encodeURIComponent(id)}/avatar`, { method: "POST", headers: auth(), body: form });
      expect({ id, status: res.status }).toEqual({ id, status: 404 });
    }
  });

  it("PUT a recordset view with {} returns it unchanged", async () => {
    const rs = await call("POST", "/api/v1/recordsets", { ...as(), body: { name: "Empty view updates" } });
    const view = await call("POST", `/api/v1/recordsets/${rs.body.slug}/views`, { ...as(), body: { name: "Mine", columns: ["title"] } });
    expect(view.status).toBe(201);
    const r = await call("PUT", `/api/v1/recordsets/${rs.body.slug}/views/${view.body.id}`, { ...as(), body: {} });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(view.body);
  });

  it("PUT a task that changes only its assignees", async () => {
    const me = await call("GET", "/api/v1/members/me", as());
    const task = await call("POST", "/api/v1/tasks", { ...as(), body: { title: "Assign me" } });
    const r = await call("PUT", `/api/v1/tasks/${task.body.id}`, { ...as(), body: { assignee_ids: [me.body.id] } });
    expect(r.status).toBe(200);
    expect(r.body.assignee_ids).toEqual([me.body.id]);
  });

  it("resetting notification preferences several times at once", async () => {
    const all = await Promise.all(Array.from({ length: 4 }, () => call("POST", "/api/v1/notifications/me/reset", as())));
    expect(all.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const after = await call("GET", "/api/v1/notifications/me", as());
    expect(after.body.length).toBe(all[0]?.body.length);
  });
});
