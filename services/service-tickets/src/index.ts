// Composition root. Telemetry starts before anything else is loaded, so http, express and pg are
// instrumented; everything else is wired in main.ts.
import { startTelemetry } from '@hearth/observability';
import type * as Main from './main';

const telemetry = startTelemetry({ serviceName: 'service-tickets' });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { main } = require('./main') as typeof Main;

main(telemetry).catch((error: unknown) => {
  console.error(JSON.stringify({ level: 'fatal', service: 'service-tickets', msg: 'start-up failed', error: error instanceof Error ? error.message : String(error) }));
  process.exit(1);
});
