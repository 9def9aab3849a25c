import { handlers } from "../../../queues";
import { createRouter } from "../../platform/hono";
import { BACKFILL_JOB, GEOCODE_JOB } from "./internal";
import { runGeoJob } from "./job";
import { registerEnableMap } from "./routes/enable-map";
import { registerGeocodeJobStream } from "./routes/geocode-job-stream";
import { registerGetGeocodeJob } from "./routes/get-geocode-job";
import { registerListGeocodeJobs } from "./routes/list-geocode-jobs";
import { registerMapStream } from "./routes/map-stream";
import { registerSpatialFilter } from "./routes/spatial-filter";
import { registerStartGeocode } from "./routes/start-geocode";

/**
 * Geo (7 endpoints): map streaming, spatial filter, map mode and geocoding. Mounted before the
 * records and recordsets routers, so these static paths win over their /{id} routes. Also the
 * IMPORTS_QUEUE consumer of geocoding and GIS backfill jobs.
 */
export const geoRouter = createRouter();
registerMapStream(geoRouter);
registerSpatialFilter(geoRouter);
registerStartGeocode(geoRouter);
registerListGeocodeJobs(geoRouter);
registerGetGeocodeJob(geoRouter);
registerGeocodeJobStream(geoRouter);
registerEnableMap(geoRouter);

handlers.set(GEOCODE_JOB, runGeoJob);
handlers.set(BACKFILL_JOB, runGeoJob);
