import { z } from 'zod';

/**
 * Request/reply contracts of customer-profile, for other Hearth services on the internal NATS network.
 * Subjects live under `rpc.` because the service's JetStream stream owns `hearth.customer-profile.>`.
 * Callers state the tenant they act for; replies carry only what the calling service needs.
 */

const identifierSchema = z.object({ type: z.string().min(1), value: z.string().min(1), system: z.string().min(1).optional() });

/** `rpc.customer-profile.resolve`: the one guest holding the identifiers, a new provisional one, or the candidates. */
export const RESOLVE_GUEST_SUBJECT = 'rpc.customer-profile.resolve';
export const resolveGuestRequestSchema = z.object({
  tenantId: z.string().min(1),
  identifiers: z.array(identifierSchema).min(1).max(20),
  /** The calling service or integration, e.g. `service:timeline`. */
  actor: z.string().min(1),
  brandId: z.string().min(1).optional(),
  channel: z.string().min(1).optional(),
  correlationId: z.string().min(1).optional(),
  defaultCountry: z.string().regex(/^[A-Z]{2}$/).optional(),
});
export type ResolveGuestRequest = z.infer<typeof resolveGuestRequestSchema>;
export const resolveGuestReplySchema = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('matched'), guestId: z.string() }),
  z.object({ outcome: z.literal('created'), guestId: z.string() }),
  z.object({
    outcome: z.literal('ambiguous'),
    candidates: z.array(z.object({ guestId: z.string(), matchedBy: z.array(z.string()) })),
    proposalId: z.string(),
  }),
]);
export type ResolveGuestReply = z.infer<typeof resolveGuestReplySchema>;

/**
 * `rpc.customer-profile.guest-summary`: what the profile holds about one guest, for services that show it
 * (the timeline's guest view). Follows merges: a merged guest answers `status: 'merged'` with its survivor.
 * Contains personal data: callers keep it only where they can erase it (GuestErased).
 */
export const GUEST_SUMMARY_SUBJECT = 'rpc.customer-profile.guest-summary';
export const guestSummaryRequestSchema = z.object({ tenantId: z.string().min(1), guestId: z.string().min(1) });
export type GuestSummaryRequest = z.infer<typeof guestSummaryRequestSchema>;
export const guestSummarySchema = z.object({
  guestId: z.string(),
  status: z.enum(['active', 'merged', 'erased']),
  /** For merged guests: who they answer as now. */
  survivorId: z.string().nullable(),
  provisional: z.boolean(),
  name: z.object({ title: z.string().nullable().optional(), given: z.string().nullable().optional(), family: z.string().nullable().optional() }).nullable(),
  /** YYYY-MM-DD. */
  dateOfBirth: z.string().nullable(),
  language: z.string().nullable(),
  customerType: z.string().nullable(),
  lifecycleStage: z.string().nullable(),
  /** Identifier types with masked values (e.g. `a***@example.com`, `+44******789`). */
  identifiers: z.array(z.object({ type: z.string(), masked: z.string().nullable() })),
  preferences: z.array(
    z.object({
      key: z.string(),
      kind: z.enum(['preference', 'special-request']),
      scope: z.enum(['shared', 'brand']),
      brandId: z.string().nullable(),
      value: z.unknown(),
      setAt: z.string().nullable(),
    }),
  ),
  /** Current consent per brand × purpose × channel (latest decision). */
  consents: z.array(z.object({ brandId: z.string(), purpose: z.string(), channel: z.string(), granted: z.boolean(), at: z.string().nullable() })),
  /** Version of the guest stream this summary reflects. */
  version: z.number().int().nonnegative(),
});
export type GuestSummary = z.infer<typeof guestSummarySchema>;
export const guestSummaryReplySchema = z.discriminatedUnion('found', [
  z.object({ found: z.literal(true), guest: guestSummarySchema }),
  z.object({ found: z.literal(false) }),
]);
export type GuestSummaryReply = z.infer<typeof guestSummaryReplySchema>;

/**
 * `rpc.customer-profile.tenant-directory`: a tenant's brands, properties and data-sharing, so other services
 * apply the same brand scoping without re-implementing the agreements. Callers cache it briefly (seconds).
 */
export const TENANT_DIRECTORY_SUBJECT = 'rpc.customer-profile.tenant-directory';
export const tenantDirectoryRequestSchema = z.object({ tenantId: z.string().min(1) });
export type TenantDirectoryRequest = z.infer<typeof tenantDirectoryRequestSchema>;
export const tenantDirectoryReplySchema = z.object({
  tenantId: z.string(),
  brands: z.array(z.object({ brandId: z.string(), name: z.string(), sharing: z.enum(['shared', 'private']) })),
  properties: z.array(z.object({ propertyId: z.string(), brandId: z.string(), name: z.string(), timeZone: z.string().nullable() })),
  /** For each brand: the brands its staff may see (itself, plus every sharing brand when it shares). */
  visibleBrands: z.record(z.string(), z.array(z.string())),
});
export type TenantDirectory = z.infer<typeof tenantDirectoryReplySchema>;

/** The three subjects under another prefix (`<prefix>.resolve` …): for isolated test stacks sharing one NATS server. */
export function rpcSubjects(prefix = 'rpc.customer-profile'): { resolve: string; guestSummary: string; tenantDirectory: string } {
  return { resolve: `${prefix}.resolve`, guestSummary: `${prefix}.guest-summary`, tenantDirectory: `${prefix}.tenant-directory` };
}
