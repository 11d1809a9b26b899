/** The knowledge base of service-tickets: one factory for the composition root, and the port it needs. */
export { createKnowledgeBase } from './knowledge-base';
export type { KnowledgeBase, KnowledgeBaseOptions } from './knowledge-base';
export type { ResolvedTicket, ResolvedTicketLookup } from '../app/kb-use-cases';
export { KB_ARTICLES_PROJECTION } from '../adapters/read-models/kb-articles.projection';
export { KB_FAQ_ROLES, KB_STAFF_ROLES } from '../adapters/http/kb.routes';
