// `npm run bench:startup`: what a cold isolate pays before its first request, and the bundle's size.
//
// Runs `wrangler check startup` (bundles, then profiles the global scope in a local workerd)
// BENCH_RUNS times (default 5) on Atrium and on a minimal Worker built in a temp directory,
// alternating, and reports medians: startup CPU ("Active": sampled minus idle) and the bundle's
// gzip size, with the ratio to the minimal Worker from the same run. Budgets (issue: floors and
// foundations): startup ≤ 300 ms, bundle ≤ 3 MB gzip, with every module in.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, throwawayDir } from "../scripts/stack.ts";
import { intEnv } from "./lib.ts";

const RUNS = intEnv("BENCH_RUNS", 5);
const BUDGET_STARTUP_MS = 300;
const BUDGET_GZIP_KIB = 3 * 1024;

interface Profile {
  activeMs: number;
  bundleKiB: number;
  gzipKiB: number;
}

function checkStartup(cwd: string, outfile: string): Profile {
  // The project's wrangler, also for the minimal Worker (which lives outside the project).
  const out = execFileSync(join(ROOT, "node_modules", ".bin", "wrangler"), ["check", "startup", "--outfile", outfile], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
  });
  const bundle = /Bundle:\s*([\d.]+)\s*KiB\s*\/\s*gzip:\s*([\d.]+)\s*KiB/.exec(out);
  const active = /Active:\s*([\d.]+)\s*ms/.exec(out);
  if (!bundle || !active) throw new Error(`unexpected output of wrangler check startup:\n${out}`);
  return { activeMs: Number(active[1]), bundleKiB: Number(bundle[1]), gzipKiB: Number(bundle[2]) };
}

function minimalWorker(dir: string) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "index.js"), 'export default { fetch() { return new Response("ok"); } };\n');
  writeFileSync(join(dir, "wrangler.toml"), 'name = "minimal"\nmain = "index.js"\ncompatibility_date = "2026-08-01"\n');
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

const dir = throwawayDir("atrium-startup-");
try {
  const minimal = join(dir, "minimal");
  minimalWorker(minimal);
  const atrium: Profile[] = [];
  const base: Profile[] = [];
  for (let i = 0; i < RUNS; i++) {
    base.push(checkStartup(minimal, join(dir, `minimal-${i}.cpuprofile`)));
    atrium.push(checkStartup(ROOT, join(dir, `atrium-${i}.cpuprofile`)));
    console.log(`[bench] run ${i + 1}/${RUNS}: atrium ${atrium[i]?.activeMs} ms, minimal ${base[i]?.activeMs} ms`);
  }
  const startup = median(atrium.map((p) => p.activeMs));
  const baseline = median(base.map((p) => p.activeMs));
  const gzip = median(atrium.map((p) => p.gzipKiB));
  const raw = median(atrium.map((p) => p.bundleKiB));
  const fmt = (x: number) => x.toFixed(1);
  console.log(`\nstartup (median of ${RUNS}, CPU sampled minus idle)`);
  console.log(
    `  atrium         ${fmt(startup)} ms   budget ≤ ${BUDGET_STARTUP_MS} ms: ${startup <= BUDGET_STARTUP_MS ? "met" : "NOT met"}`,
  );
  // The profiler samples every ~15 ms: a minimal Worker mostly shows 0, so the ratio is printed only when it is not.
  const ratio = baseline > 0 ? `ratio ${fmt(startup / baseline)}×` : "ratio n/a (below the sampling interval)";
  console.log(`  minimal Worker ${fmt(baseline)} ms   ${ratio}; atrium − minimal ${fmt(startup - baseline)} ms`);
  console.log(
    `bundle: ${fmt(raw / 1024)} MiB, gzip ${fmt(gzip / 1024)} MiB   budget ≤ 3 MiB gzip: ${gzip <= BUDGET_GZIP_KIB ? "met" : "NOT met"}`,
  );
  mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
  writeFileSync(
    join(ROOT, "bench", "results", "startup.json"),
    `${JSON.stringify({ timestamp: new Date().toISOString(), runs: RUNS, startupMs: startup, baselineMs: baseline, bundleKiB: raw, gzipKiB: gzip, atrium, minimal: base }, null, 2)}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
