/**
 * Preload entry: `node --require @hearth/observability/dist/register.js dist/index.js` starts
 * telemetry before the service loads express, http or pg, so auto-instrumentation can patch them.
 * The service name comes from `OTEL_SERVICE_NAME` (the SDK's own fallback name otherwise). The
 * composition root still calls `startTelemetry()`: it gets this same instance back, with its
 * `shutdown()` to call on SIGTERM.
 */
import { startTelemetry } from './telemetry';

const serviceName = process.env.OTEL_SERVICE_NAME?.trim() || 'unknown_service:node';
startTelemetry({ serviceName, env: process.env });
