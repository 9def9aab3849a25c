// /docs in a real browser with no way out: every request to another host is refused, so the
// page must render the API's operations from the Worker's own assets (as offline).
import type { Browser } from "puppeteer-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { apiUrl, launchBrowser } from "./lib";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

it("renders the API reference's operations offline, loading nothing from another host", async () => {
  const page = await browser.newPage();
  const origin = new URL(apiUrl).origin;
  const elsewhere: string[] = [];
  const failed: string[] = [];
  await page.setRequestInterception(true);
  page.on("request", (req) => {
    const url = req.url();
    if (url.startsWith("data:") || new URL(url).origin === origin) void req.continue();
    else {
      elsewhere.push(url);
      void req.abort("internetdisconnected");
    }
  });
  page.on("requestfailed", (req) => failed.push(req.url()));
  const cspViolations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  const res = await page.goto(`${apiUrl}/docs`, { waitUntil: "networkidle0" });
  expect(res?.status()).toBe(200);
  const spec = (await (await fetch(`${apiUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  const specOps = Object.values(spec.paths).reduce((n, p) => n + Object.keys(p).length, 0);
  // Every operation is rendered (Swagger UI mounts only what is near the viewport: scroll through
  // the page and collect each operation block's id).
  await page.waitForSelector(".opblock", { timeout: 30_000 });
  const seen = new Set<string>();
  for (let y = 0, height = 1; y <= height; y += 400) {
    const r = await page.evaluate((top) => {
      const d = (globalThis as any).document;
      (globalThis as any).scrollTo(0, top);
      return { ids: [...d.querySelectorAll(".opblock")].map((e: any) => e.id as string), height: d.body.scrollHeight as number };
    }, y);
    for (const id of r.ids) seen.add(id);
    height = r.height;
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  expect(seen.size).toBe(specOps);
  expect(await page.$eval(".info .title", (el) => (el as unknown as { textContent: string }).textContent)).toContain("Atrium API");
  expect(elsewhere).toEqual([]);
  expect(failed).toEqual([]);
  expect(cspViolations).toEqual([]);
});
