import { createExecutionContext, createMessageBatch, getQueueResult, runInDurableObject } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import type { JobProgress } from "../durable-objects/job-progress";
import { handlers, queue } from "../queues";
import { ServiceError } from "../src/platform/errors";
import { jobs } from "../src/platform/jobs/tables";
import { parseSseFrame, relayRoomAsSse } from "../src/platform/sse";
import { reapStuckJobs } from "../src/scheduled";
import { env, readSse, withControl } from "./harness";

const room = () => env.CHANNEL_ROOM.get(env.CHANNEL_ROOM.idFromName(`test-${crypto.randomUUID()}`));

describe("EventRoom fan-out (ChannelRoom, JobProgress, …)", () => {
  it("numbers events, relays them as SSE in order, and replays from Last-Event-ID", async () => {
    const stub = room();
    for (let i = 1; i <= 3; i++) await stub.publish("message", { n: i });
    const res = await relayRoomAsSse(stub, { since: 1, requestId: "t", isTerminal: (e) => (e.data as { n: number }).n === 5 });
    const reading = readSse(res);
    await stub.publish("typing", { n: 4 });
    await stub.publish(null, { n: 5 });
    const events: { id?: string; event?: string; data: any }[] = await reading;
    expect(events.map((e) => [Number(e.id), e.event, e.data.n])).toEqual([
      [2, "message", 2],
      [3, "message", 3],
      [4, "typing", 4],
      [5, undefined, 5],
    ]);
  });

  it("encodes each event once per format: SSE relays get SSE frames, WebSocket clients JSON; the relay parses only ending events", async () => {
    const stub = room();
    await stub.publish("message", { n: 1, text: 'quote " and\nnewline' });
    const open = async (query: string) => {
      const r = await stub.fetch(`https://room/connect?since=0${query}`, { headers: { upgrade: "websocket" } });
      const ws = r.webSocket as WebSocket;
      ws.accept();
      const frames: string[] = [];
      ws.addEventListener("message", (m) => frames.push(m.data as string));
      return { ws, frames };
    };
    const [sse, json] = [await open("&format=sse"), await open("")];
    await stub.publish("typing", { n: 2 });
    await stub.publish(null, { n: 3 });
    await vi.waitFor(() => expect(sse.frames.length + json.frames.length).toBe(6));
    expect(sse.frames).toEqual([
      `id: 1\nevent: message\ndata: ${JSON.stringify({ n: 1, text: 'quote " and\nnewline' })}\n\n`,
      `id: 2\nevent: typing\ndata: {"n":2}\n\n`,
      `id: 3\ndata: {"n":3}\n\n`,
    ]);
    expect(json.frames.map((f) => JSON.parse(f))).toEqual([
      { id: 1, event: "message", data: { n: 1, text: 'quote " and\nnewline' } },
      { id: 2, event: "typing", data: { n: 2 } },
      { id: 3, data: { n: 3 } },
    ]);
    // The relay's reading of a frame: exact, or skipped when its event is not one it asks about.
    expect(sse.frames.map((f) => parseSseFrame(f))).toEqual([
      { id: 1, event: "message", data: { n: 1, text: 'quote " and\nnewline' } },
      { id: 2, event: "typing", data: { n: 2 } },
      { id: 3, data: { n: 3 } },
    ]);
    expect(sse.frames.map((f) => parseSseFrame(f, ["typing"])?.id ?? null)).toEqual([null, 2, null]);
    sse.ws.close();
    json.ws.close();
  });

  it("tells a client that fell behind the replay tail to reload", async () => {
    const stub = room();
    await runInDurableObject(stub, async (instance) => {
      (instance as unknown as { tailSize: number }).tailSize = 3;
    });
    for (let i = 1; i <= 6; i++) await stub.publish("message", { n: i });
    const tail = (await stub.replay(0)) as unknown as { id: number }[];
    expect(tail.map((e) => e.id)).toEqual([4, 5, 6]);
    const res = await relayRoomAsSse(stub, { since: 1, requestId: "t", isTerminal: (e) => e.event === "reset" });
    const events = await readSse(res);
    expect(events).toEqual([{ id: "6", event: "reset", data: { reason: "too_far_behind", reload: true } }]);
  });

  it("JobProgress forgets result secrets an hour after the job finished", async () => {
    const stub = env.JOB_PROGRESS.get(env.JOB_PROGRESS.idFromName(crypto.randomUUID()));
    const base = { job_id: "j", progress: 100, current_step: "completed", error_message: null };
    await stub.update({ ...base, status: "COMPLETED", result: { message: "done", access_token: "secret" } });
    await runInDurableObject(stub, async (instance: JobProgress, state) => {
      expect(await state.storage.getAlarm()).toBeGreaterThan(Date.now() + 59 * 60_000);
      await instance.alarm();
    });
    const latest = await stub.latest();
    expect(latest).toMatchObject({ status: "COMPLETED", result: { message: "done" } });
    expect(JSON.stringify(latest)).not.toContain("secret");
  });
});

describe("cron and queues", () => {
  it("marks jobs that stopped reporting as FAILED", async () => {
    const stuck = crypto.randomUUID();
    const fresh = crypto.randomUUID();
    await withControl((db) =>
      db.insert(jobs).values([
        { id: stuck, kind: "test", status: "RUNNING", updatedAt: new Date(Date.now() - 3600_000) },
        { id: fresh, kind: "test", status: "RUNNING" },
      ]),
    );
    expect(await reapStuckJobs(env)).toBeGreaterThanOrEqual(1);
    const rows = await withControl((db) => db.select().from(jobs).where(eq(jobs.kind, "test")));
    expect(rows.find((r) => r.id === stuck)).toMatchObject({ status: "FAILED", errorMessage: expect.stringMatching(/stopped responding/) });
    expect(rows.find((r) => r.id === fresh)?.status).toBe("RUNNING");
    // Its stream hears about it too, and ends.
    const stub = env.JOB_PROGRESS.get(env.JOB_PROGRESS.idFromName(stuck));
    const events = await readSse(
      await relayRoomAsSse(stub, { since: 0, requestId: "t", isTerminal: (e) => (e.data as { status: string }).status === "FAILED" }),
    );
    expect(events.at(-1)?.data).toMatchObject({
      job_id: stuck,
      status: "FAILED",
      error_message: expect.stringMatching(/stopped responding/),
    });
  });

  it("dispatches queue messages by type: ack on success, retry on failure", async () => {
    const seen: string[] = [];
    handlers.set("test.ok", async (_ctx, body) => {
      seen.push(String(body.value));
    });
    handlers.set("test.flaky", async () => {
      throw new ServiceError("service_unavailable", "try later", { retryable: true });
    });
    const batch = createMessageBatch("atrium-imports", [
      { id: "m1", timestamp: new Date(), attempts: 1, body: { type: "test.ok", value: "a" } },
      { id: "m2", timestamp: new Date(), attempts: 2, body: { type: "test.flaky" } },
      { id: "m3", timestamp: new Date(), attempts: 1, body: { type: "test.unknown" } },
    ]);
    const ctx = createExecutionContext();
    await queue(batch as never, env, ctx);
    const result = (await getQueueResult(batch, ctx)) as unknown as { explicitAcks: string[]; retryMessages: { msgId: string }[] };
    expect(seen).toEqual(["a"]);
    expect(result.explicitAcks).toEqual(["m1"]);
    expect(result.retryMessages.map((m) => m.msgId).sort()).toEqual(["m2", "m3"]);
  });
});
