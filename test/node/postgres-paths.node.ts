// Where the local PostgreSQL's binaries and data go when the checkout is in a private folder:
// the `postgres` user (PostgreSQL refuses to run as root) must be able to reach both.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { binaryCache, dataDirFor, reachable, trustworthy } from "../../scripts/postgres.ts";

const PG = { uid: 999, gid: 999 };
const dir = (mode: number, uid = 0, gid = 0) => ({ mode: 0o040000 | mode, uid, gid });
/** A fake file system: folder → stat. */
const fs = (tree: Record<string, ReturnType<typeof dir>>) => (p: string) => {
  const s = tree[p];
  if (!s) throw Object.assign(new Error(`ENOENT ${p}`), { code: "ENOENT" });
  return s;
};

describe("reachable", () => {
  const tree = {
    "/": dir(0o755),
    "/root": dir(0o700),
    "/root/clone": dir(0o755),
    "/work": dir(0o755),
    "/work/clone": dir(0o755),
    "/tmp": dir(0o1777),
    "/tmp/tmp.abc": dir(0o700),
    "/srv": dir(0o750, 0, 999),
    "/home/pg": dir(0o700, 999, 999),
  };
  it("needs search permission on every folder up to the root", () => {
    expect(reachable("/work/clone/node_modules/x/native/bin", PG, fs(tree))).toBe(true);
    expect(reachable("/root/clone/node_modules/x/native/bin", PG, fs(tree))).toBe(false);
    expect(reachable("/tmp/tmp.abc/clone", PG, fs(tree))).toBe(false); // mktemp -d is 700
    expect(reachable("/tmp/atrium-postgres-18", PG, fs(tree))).toBe(true);
  });
  it("reads the owner's, the group's or the others' bits as they apply", () => {
    expect(reachable("/srv/data", PG, fs(tree))).toBe(true); // group 999 has r-x
    expect(reachable("/srv/data", { uid: 998, gid: 998 }, fs(tree))).toBe(false);
    expect(reachable("/home/pg/data", PG, fs(tree))).toBe(true); // the owner
    expect(reachable("/root/clone", { uid: 0, gid: 0 }, fs(tree))).toBe(true); // root passes everywhere
  });
});

describe("dataDirFor", () => {
  const tree = { "/": dir(0o755), "/root": dir(0o700), "/root/clone": dir(0o755), "/work": dir(0o755) };
  it("keeps a reachable data folder, moves an unreachable one to a stable cache folder", () => {
    expect(dataDirFor("/work/clone/.data/postgres", PG, fs(tree), "/tmp")).toBe("/work/clone/.data/postgres");
    const moved = dataDirFor("/root/clone/.data/postgres", PG, fs(tree), "/tmp");
    expect(moved).toMatch(/^\/tmp\/atrium-data-[0-9a-f]{12}\/postgres$/);
    expect(dataDirFor("/root/clone/.data/postgres", PG, fs(tree), "/tmp")).toBe(moved); // same clone, same data
    expect(dataDirFor("/root/other/.data/postgres", PG, fs(tree), "/tmp")).not.toBe(moved);
    expect(dataDirFor("/root/clone/.data/postgres", undefined, fs(tree), "/tmp")).toBe("/root/clone/.data/postgres"); // not root
  });
  it("the binary cache is keyed by version", () => {
    expect(binaryCache("18.4.0", "/tmp")).toBe("/tmp/atrium-postgres-18.4.0");
  });
});

describe("trustworthy", () => {
  it("a shared cache folder is used only if this user owns it and nobody else can write to it", () => {
    expect(trustworthy({ uid: 0, mode: 0o040755 }, 0)).toBe(true);
    expect(trustworthy({ uid: 1000, mode: 0o040755 }, 0)).toBe(false); // planted by another user
    expect(trustworthy({ uid: 0, mode: 0o040777 }, 0)).toBe(false); // anyone could swap its contents
    expect(trustworthy({ uid: 0, mode: 0o040775 }, 0)).toBe(false);
  });
});

describe("on this machine's file system", () => {
  const base = mkdtempSync(join(tmpdir(), "atrium-paths-"));
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  it("a 700 folder owned by root hides what is inside from another user", () => {
    const priv = join(base, "private");
    mkdirSync(join(priv, "clone"), { recursive: true });
    chmodSync(base, 0o755);
    chmodSync(priv, 0o700);
    const owner = statSync(priv).uid;
    const other = { uid: owner + 12345, gid: statSync(priv).gid + 12345 };
    expect(reachable(join(priv, "clone"), other)).toBe(false);
    chmodSync(priv, 0o755);
    expect(reachable(join(priv, "clone"), other)).toBe(tmpdir() === "/tmp" ? true : reachable(tmpdir(), other));
  });
});
