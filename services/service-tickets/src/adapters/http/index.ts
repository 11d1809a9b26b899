export { createTicketsHttpApp, idempotencyErasureHook } from './create-tickets-app';
export type { TicketsHttpAppOptions } from './create-tickets-app';
export { TICKETS_ERROR_MAPPINGS, translateError, withTicketErrors } from './errors';
export { assignedTicketsFromQueue } from './queue.routes';
export { OPEN_ROLES, SATISFACTION_ROLES, SETTINGS_ADMIN_ROLES, STAFF_ROLES, METRICS_ROLES } from './request-scope';
export { ticketSettingsSchema } from './settings.routes';
export { ticketViewSchema } from './ticket.schemas';
