import type { Bindings } from "../../env";
import type { ServiceContext } from "../../platform/context";
import { hmacSign, hmacVerify } from "../../platform/crypto";
import { ServiceError } from "../../platform/errors";
import { signDownloadUrl } from "../../platform/signed-urls";
import { apiStatus, type ImportRowError, type importJobs } from "./tables";

/** Largest file an import accepts (the seed's 100 MB). */
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;
/** Lifetime of signed upload URLs, error-report and export links. */
export const UPLOAD_URL_TTL_SECONDS = 60 * 60;
export const REPORT_URL_TTL_SECONDS = 24 * 60 * 60;
/** Queue message types (IMPORTS_QUEUE). */
export const IMPORT_MESSAGE = "recordset.import";
export const EXPORT_MESSAGE = "recordset.export";
/** jobs.kind in the control database (live progress stream, stuck-job reaper). */
export const IMPORT_JOB_KIND = "recordset.import";
export const EXPORT_JOB_KIND = "recordset.export";

export const BASE = "/api/v1/recordsets/import";
export const ERROR_REPORT_PATH = (jobId: string) => `${BASE}/error-report/${jobId}`;
export const JOB_PATH = (jobId: string) => `${BASE}/jobs/${jobId}`;

export type JobRow = typeof importJobs.$inferSelect;

export function scopeOf(ctx: ServiceContext) {
  if (!ctx.workspace) throw new ServiceError("bad_request", "This endpoint needs a workspace (X-Workspace-Id header)");
  return ctx.workspace;
}

// ---- R2 keys ---------------------------------------------------------------------------------

export const uploadPrefix = (workspaceId: string) => `imports/${workspaceId}/uploads/`;
export const jobDataKey = (workspaceId: string, jobId: string) => `imports/${workspaceId}/jobs/${jobId}/rows.ndjson`;
export const errorReportKey = (workspaceId: string, jobId: string) => `imports/${workspaceId}/jobs/${jobId}/errors.csv`;
export const exportKey = (workspaceId: string, jobId: string) => `exports/${workspaceId}/${jobId}.csv`;

export const fileUriOf = (key: string) => `r2://${key}`;

/** A file_uri → this workspace's upload key; anything else is a 422 (never another workspace's file). */
export function uploadKeyOf(workspaceId: string, fileUri: string): string {
  const key = fileUri.startsWith("r2://") ? fileUri.slice(5) : fileUri;
  const prefix = uploadPrefix(workspaceId);
  if (!key.startsWith(prefix) || key.includes("..") || key.length > 600) {
    throw new ServiceError("validation_error", "file_uri is not a file uploaded to this workspace", {
      issues: [{ loc: ["body", "file_uri"], msg: "file_uri is not a file uploaded to this workspace", type: "value_error" }],
    });
  }
  return key;
}

/** The original file name of an upload key (imports/<ws>/uploads/<id>/<name>). */
export const fileNameOfKey = (key: string) => key.split("/").pop() ?? "file";

/** A file name safe for a key and a header: last path segment, no control characters or quotes, ≤ 150 chars. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const clean = Array.from(base)
    .filter((ch) => {
      const c = ch.codePointAt(0) ?? 0;
      return c >= 0x20 && c !== 0x7f && ch !== '"' && ch !== "?" && ch !== "#" && ch !== "%";
    })
    .join("")
    .replace(/\s+/g, " ")
    .trim();
  const short = Array.from(clean).slice(-150).join("").trim();
  return short === "" || short === "." || short === ".." ? "file" : short;
}

// ---- signatures ------------------------------------------------------------------------------

// JSON arrays with a purpose tag: a signature for one purpose is never valid for another.
const uploadMessage = (key: string, exp: number) => JSON.stringify(["atrium.import-upload.v1", key, exp]);
const reportMessage = (jobId: string, exp: number) => JSON.stringify(["atrium.import-report.v1", jobId, exp]);

export async function signUploadUrl(env: Bindings, key: string, now = Date.now()) {
  const exp = Math.floor(now / 1000) + UPLOAD_URL_TTL_SECONDS;
  const url = new URL(`${BASE}/upload`, env.API_URL);
  url.searchParams.set("key", key);
  url.searchParams.set("exp", String(exp));
  url.searchParams.set("sig", await hmacSign(env.SIGNING_KEY, uploadMessage(key, exp)));
  return { url: url.toString(), expires_at: new Date(exp * 1000).toISOString() };
}

/** Signature first (a forged URL learns nothing), then expiry: both are a 403. */
export async function verifySigned(kind: "upload" | "report", env: Bindings, subject: string, exp: number, sig: string) {
  const msg = kind === "upload" ? uploadMessage(subject, exp) : reportMessage(subject, exp);
  if (!Number.isSafeInteger(exp) || !(await hmacVerify(env.SIGNING_KEY, msg, sig))) {
    throw new ServiceError("forbidden", "The link's signature is not valid");
  }
  if (exp * 1000 <= Date.now()) throw new ServiceError("forbidden", "The link has expired; ask for a new one");
}

export async function signReportUrl(env: Bindings, jobId: string, ttl = REPORT_URL_TTL_SECONDS, now = Date.now()) {
  const exp = Math.floor(now / 1000) + ttl;
  const url = new URL(ERROR_REPORT_PATH(jobId), env.API_URL);
  url.searchParams.set("exp", String(exp));
  url.searchParams.set("sig", await hmacSign(env.SIGNING_KEY, reportMessage(jobId, exp)));
  return { url: url.toString(), expires_at: new Date(exp * 1000).toISOString() };
}

// ---- API shape -------------------------------------------------------------------------------

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The API shape of a job; signed links are minted fresh on every read. */
export async function toJobJson(env: Bindings, j: JobRow) {
  const report = j.jobType === "import" && j.reportKey && j.errorRows > 0 ? await signReportUrl(env, j.id) : null;
  const download =
    j.jobType === "export" && j.status === "completed" && j.reportKey
      ? await signDownloadUrl({
          secret: env.SIGNING_KEY,
          baseUrl: env.API_URL,
          key: j.reportKey,
          ttlSeconds: REPORT_URL_TTL_SECONDS,
          download: true,
        })
      : null;
  const sample = ((j.result?.sample_errors as ImportRowError[] | undefined) ?? []).slice(0, 20);
  const finished = j.status === "completed" || j.status === "failed" || j.status === "cancelled";
  return {
    id: j.id,
    job_id: j.id,
    job_type: j.jobType,
    status: apiStatus(j.status),
    recordset_id: j.recordsetId,
    file_name: j.fileName,
    file_type: j.fileType,
    file_size: j.fileSize,
    progress: j.progress,
    total_rows: j.totalRows,
    processed_rows: j.processedRows,
    imported_rows: j.importedRows,
    error_rows: j.errorRows,
    message: j.message,
    error_message: j.errorMessage,
    validation_summary:
      j.jobType === "import" && finished
        ? { total_rows: j.processedRows, valid_rows: j.processedRows - j.errorRows, error_rows: j.errorRows, sample_errors: sample }
        : null,
    report_url: report?.url ?? null,
    report_expires_at: report?.expires_at ?? download?.expires_at ?? null,
    download_url: download?.url ?? null,
    created_by_member_id: j.createdByMemberId,
    created_at: j.createdAt.toISOString(),
    started_at: iso(j.startedAt),
    completed_at: iso(j.completedAt),
  };
}
