import {
  GUEST_SUMMARY_SUBJECT,
  guestSummaryReplySchema,
  RESOLVE_GUEST_SUBJECT,
  resolveGuestReplySchema,
  resolveGuestRequestSchema,
  TENANT_DIRECTORY_SUBJECT,
  tenantDirectoryReplySchema,
  type GuestSummaryReply,
  type ResolveGuestReply,
  type ResolveGuestRequest,
  type TenantDirectory,
} from '@hearth/contracts';
import { RemoteError, type Messaging, type RequestOptions } from '@hearth/messaging';
import { DependencyUnavailableError, InvalidIdentifierError, type CustomerProfile } from './customer-profile.port';

export type CustomerProfileClientOptions = {
  /** Per request (default 2 s). */
  timeoutMs?: number;
  /** Subject overrides, for tests that must not meet a running customer-profile on the real subjects. */
  subjects?: { resolve?: string; guestSummary?: string; tenantDirectory?: string };
};

/** Codes of messaging failures that mean "customer-profile cannot answer right now". */
const UNAVAILABLE = new Set(['REQUEST_TIMEOUT', 'NO_RESPONDERS', 'MESSAGING_CLOSED', 'RESPONSE_VALIDATION_FAILED']);

/**
 * customer-profile over NATS request/reply (`rpc.customer-profile.*`, contracts in `@hearth/contracts`).
 * Every failure to get an answer becomes `DependencyUnavailableError` (503 on HTTP, a retry for messages);
 * an identifier customer-profile rejects becomes `InvalidIdentifierError` (400).
 */
export function createCustomerProfileClient(messaging: Messaging, options: CustomerProfileClientOptions = {}): CustomerProfile {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const subjects = {
    resolve: options.subjects?.resolve ?? RESOLVE_GUEST_SUBJECT,
    guestSummary: options.subjects?.guestSummary ?? GUEST_SUMMARY_SUBJECT,
    tenantDirectory: options.subjects?.tenantDirectory ?? TENANT_DIRECTORY_SUBJECT,
  };

  async function ask<T>(subject: string, payload: unknown, requestOptions: RequestOptions<T>): Promise<T> {
    try {
      return await messaging.request<T>(subject, payload, { timeoutMs, ...requestOptions });
    } catch (error) {
      if (error instanceof RemoteError) {
        if (error.remoteCode === 'INVALID_IDENTIFIER') throw new InvalidIdentifierError(error.remoteMessage, { cause: error });
        throw new DependencyUnavailableError('customer-profile', `${subject} answered ${error.remoteCode}`, { cause: error });
      }
      const code = (error as { code?: unknown })?.code;
      if (typeof code === 'string' && UNAVAILABLE.has(code)) {
        throw new DependencyUnavailableError('customer-profile', `${subject}: ${code.toLowerCase().replaceAll('_', ' ')}`, { cause: error });
      }
      throw error;
    }
  }

  return {
    resolve: (request: ResolveGuestRequest) =>
      ask<ResolveGuestReply>(subjects.resolve, request, { requestSchema: resolveGuestRequestSchema, responseSchema: resolveGuestReplySchema }),
    guestSummary: (tenantId: string, guestId: string) =>
      ask<GuestSummaryReply>(subjects.guestSummary, { tenantId, guestId }, { responseSchema: guestSummaryReplySchema }),
    tenantDirectory: (tenantId: string) => ask<TenantDirectory>(subjects.tenantDirectory, { tenantId }, { responseSchema: tenantDirectoryReplySchema }),
  };
}
