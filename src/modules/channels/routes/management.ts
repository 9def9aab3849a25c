import type { Router } from "../../../platform/hono";

/** Channel management endpoints (channels, access, participants, files, records, activities). */
export function registerChannelManagement(_r: Router): void {}
