import { createApp } from '../create-app';
import type { CreateAppOptions } from '../create-app';
import { MemoryIdempotencyStore } from '../idempotency/memory-idempotency-store';
import { recordingLogger, TEST_SECRET } from './fixtures';
import { ticketRoutes } from './test-routes';

/** The app most HTTP tests use: HS256 auth with `TEST_SECRET`, a recording logger, a memory idempotency store. */
export function testApp(overrides: Partial<CreateAppOptions> = {}) {
  const logger = recordingLogger();
  const { routes, calls } = ticketRoutes();
  const app = createApp({
    serviceName: 'test-service',
    routes,
    auth: { mode: 'hs256', secret: TEST_SECRET },
    openapi: { title: 'Test service', version: '1.2.3' },
    errorMappings: { INSUFFICIENT_POINTS: 422, TICKET_CLOSED: { status: 409, title: 'Ticket closed' } },
    idempotencyStore: new MemoryIdempotencyStore(),
    logger,
    ...overrides,
  });
  return { app, logger, calls };
}
