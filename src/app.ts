import { cors } from "hono/cors";
import { activityRouter } from "./modules/activity";
import { agentsRouter } from "./modules/agents";
import { aiRouter } from "./modules/ai";
import { apiKeysRouter } from "./modules/api-keys";
import { approvalsRouter } from "./modules/approvals";
import { artifactsRouter } from "./modules/artifacts";
import { authRouter } from "./modules/auth";
import { billingRouter } from "./modules/billing";
import { channelsRouter } from "./modules/channels";
import { chatRouter } from "./modules/chat";
import { documentsRouter } from "./modules/documents";
import { geoRouter } from "./modules/geo";
import { goalsRouter } from "./modules/goals";
import { importsRouter } from "./modules/imports";
import { integrationRecordsRouter } from "./modules/integration-records";
import { integrationsRouter } from "./modules/integrations";
import { knowledgeRouter } from "./modules/knowledge";
import { meetingsRouter } from "./modules/meetings";
import { membersRouter } from "./modules/members";
import { moduleSettingsRouter } from "./modules/module-settings";
import { notificationsRouter } from "./modules/notifications";
import { permissionsRouter } from "./modules/permissions";
import { recordsRouter } from "./modules/records";
import { recordsetsRouter } from "./modules/recordsets";
import { systemRouter } from "./modules/system";
import { tasksRouter } from "./modules/tasks";
import { teamsRouter } from "./modules/teams";
import { trackingRouter } from "./modules/tracking";
import { webhooksRouter } from "./modules/webhooks";
import { workflowsRouter } from "./modules/workflows";
import { workspaceHealthRouter } from "./modules/workspace-health";
import { workspacesRouter } from "./modules/workspaces";
import { DOCS_ASSETS, DOCS_CSP, docsHtml } from "./platform/docs";
import { createRouter } from "./platform/hono";
import { bodyLimits } from "./platform/middleware/body-limit";
import { handleError, notFoundOrMethodNotAllowed } from "./platform/middleware/errors";
import { limitByIp } from "./platform/middleware/rate-limit";
import { requestContext } from "./platform/middleware/request";
import { finishDocument } from "./platform/openapi";

export function createApp() {
  const app = createRouter();

  app.use(
    "*",
    cors({
      origin: "*",
      allowHeaders: ["authorization", "content-type", "x-workspace-id", "x-api-key", "idempotency-key", "last-event-id", "x-request-id"],
      allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
      exposeHeaders: ["x-request-id", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "retry-after"],
      maxAge: 600,
    }),
  );
  app.use("*", requestContext());
  app.use("*", bodyLimits());
  // Idempotency-Key is applied after authentication, per caller (requireUser).
  app.use("/docs", limitByIp("read"));
  app.use("/docs/*", limitByIp("read"));
  app.use("/openapi.json", limitByIp("read"));

  app.route("/", systemRouter);
  app.route("/", authRouter);
  app.route("/", workspacesRouter);
  app.route("/", membersRouter);
  app.route("/", teamsRouter);
  app.route("/", permissionsRouter);
  app.route("/", apiKeysRouter);
  app.route("/", moduleSettingsRouter);
  app.route("/", workspaceHealthRouter);
  app.route("/", channelsRouter);
  app.route("/", tasksRouter);
  app.route("/", goalsRouter);
  app.route("/", notificationsRouter);
  app.route("/", meetingsRouter);
  app.route("/", activityRouter);
  app.route("/", aiRouter);
  app.route("/", chatRouter);
  app.route("/", documentsRouter);
  app.route("/", webhooksRouter);
  app.route("/", workflowsRouter);
  app.route("/", artifactsRouter);
  app.route("/", approvalsRouter);
  app.route("/", billingRouter);
  app.route("/", agentsRouter);
  // Static paths under /records and /recordsets (map/stream, import/…, geocode/…, trash) are
  // served by these routers before records/recordsets' parameterised ones.
  app.route("/", geoRouter);
  app.route("/", importsRouter);
  app.route("/", knowledgeRouter);
  app.route("/", integrationRecordsRouter);
  app.route("/", integrationsRouter);
  app.route("/", trackingRouter);
  app.route("/", recordsRouter);
  app.route("/", recordsetsRouter);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "Access token from /api/v1/auth/login (15 minutes)",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "apiKeyHeader", {
    type: "apiKey",
    in: "header",
    name: "X-API-Key",
  });
  // Generated on the first request, not at startup, then kept for the isolate (the routes do
  // not change); only `servers` follows the caller's origin.
  let document: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  app.get("/openapi.json", (c) => {
    document ??= finishDocument(
      app.getOpenAPI31Document({
        openapi: "3.1.0",
        info: {
          title: "Atrium API",
          version: "0.1.0",
          license: { name: "Proprietary" },
          description: [
            "People and AI employees working together. Platform API at /api/v1; errors are {detail, code, request_id}.",
            "Where a literal path segment and a parameter could both match (`/recordsets/trash` and",
            "`/recordsets/{recordset_slug}`, `/meetings/room/{room_id}` and `/meetings/{meeting_id}/…`,",
            "`/tracking/tasks/{task_id}` and `/tracking/{record_id}/…`), the literal segment wins: those",
            "words are reserved and never an id or a slug.",
          ].join(" "),
        },
      }),
    );
    return c.json({ ...document, servers: [{ url: new URL(c.req.url).origin }] });
  });
  app.get("/docs", (c) => {
    c.header("content-security-policy", DOCS_CSP);
    return c.html(docsHtml());
  });
  // The reference UI's files, from the Worker's assets (never a CDN: /docs works offline).
  app.get("/docs/:file", async (c) => {
    const file = c.req.param("file");
    if (!DOCS_ASSETS.has(file)) return c.notFound();
    const asset = await c.env.ASSETS.fetch(new URL(`/docs/${file}`, c.req.url), { headers: c.req.raw.headers });
    const res = new Response(asset.body, asset);
    res.headers.set("cache-control", "public, max-age=3600");
    res.headers.set("x-content-type-options", "nosniff");
    return res;
  });

  app.notFound(notFoundOrMethodNotAllowed(() => app.routes));
  app.onError(handleError);
  return app;
}

export type App = ReturnType<typeof createApp>;
