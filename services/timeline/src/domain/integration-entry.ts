import type { AnyIntegrationEvent } from '@hearth/contracts';
import { finiteNumberOf, isRecord, stringOf, toJsonValue, type JsonRecord } from './json';
import { moneyProblem, toMoney } from './money';
import type { Money, TimelineEntry } from './timeline.types';

/**
 * Integration events of any Hearth service become timeline entries generically (tolerant reader): the
 * consumer does not need to know a contract to show it. Contracts carry no personal data (a rule of
 * `@hearth/contracts`), so `data` is stored as facts and `personal` stays null.
 *
 * - entryId = the envelope id (a redelivery is the same entry), guestId = envelope.guestId (none → no entry)
 * - brandId = envelope.brandId ?? data.brandId ?? null; propertyId = data.propertyId ?? null;
 *   channel = data.channel ?? null; actor = `service:<source>`
 * - visibility = 'brand' only when data.visibility === 'brand', else 'shared'
 * - amount = data.amount ?? data.value when it is `{ currency, minor }` (integer minor units) or
 *   `{ currency, amount }` (a decimal string or number with no more decimals than the currency has)
 */
export function entryFromIntegrationEvent(envelope: AnyIntegrationEvent, recordedAt: string): TimelineEntry | undefined {
  if (!envelope.guestId) return undefined;
  const data = isRecord(envelope.data) ? envelope.data : {};
  const facts: JsonRecord = isRecord(envelope.data) ? (toJsonValue(envelope.data) as JsonRecord) : { value: toJsonValue(envelope.data) };
  return {
    entryId: envelope.id,
    guestId: envelope.guestId,
    kind: 'event',
    type: envelope.type,
    contractVersion: envelope.version,
    source: envelope.source,
    sourceEventId: envelope.id,
    brandId: envelope.brandId ?? stringOf(data.brandId) ?? null,
    propertyId: stringOf(data.propertyId) ?? null,
    channel: stringOf(data.channel) ?? null,
    occurredAt: envelope.occurredAt,
    recordedAt,
    actor: `service:${envelope.source}`,
    visibility: data.visibility === 'brand' ? 'brand' : 'shared',
    amount: moneyOf(data.amount) ?? moneyOf(data.value) ?? null,
    facts,
    personal: null,
  };
}

/** Money in an integration event's data, in either accepted shape; undefined when it is neither. */
export function moneyOf(value: unknown): Money | undefined {
  if (!isRecord(value)) return undefined;
  const currency = stringOf(value.currency);
  if (!currency) return undefined;
  if (Number.isSafeInteger(value.minor)) return moneyProblem('0', currency) ? undefined : { currency, minor: value.minor as number };
  const amount = typeof value.amount === 'string' ? value.amount : finiteNumberOf(value.amount)?.toString();
  if (amount === undefined || moneyProblem(amount, currency)) return undefined;
  return toMoney({ amount, currency });
}

/** What the timeline does for a customer-profile event besides recording it as an entry. */
export type IntegrationReaction =
  | { kind: 'link' | 'unlink'; mergeId: string; survivorId: string; mergedId: string }
  | { kind: 'erase'; guestId: string }
  | { kind: 'refresh-profile'; guestId: string };

const PROFILE_REFRESH_TYPES: ReadonlySet<string> = new Set([
  'hearth.customer-profile.guest-registered',
  'hearth.customer-profile.guest-profile-updated',
  'hearth.customer-profile.guest-identity-added',
  'hearth.customer-profile.guest-identity-removed',
  'hearth.customer-profile.guest-preference-set',
  'hearth.customer-profile.guest-preference-removed',
  'hearth.customer-profile.guest-consent-changed',
]);

/**
 * The reaction an envelope asks for, read tolerantly (any contract version carrying the fields):
 * guests-merged → link, guests-unmerged → unlink (both name mergeId, survivorId, mergedId), guest-erased →
 * erase, any other profile change → refresh the profile snapshot. Undefined when none applies or a needed
 * field is missing.
 */
export function reactionOf(envelope: AnyIntegrationEvent): IntegrationReaction | undefined {
  const data = isRecord(envelope.data) ? envelope.data : {};
  switch (envelope.type) {
    case 'hearth.customer-profile.guests-merged':
    case 'hearth.customer-profile.guests-unmerged': {
      const mergeId = stringOf(data.mergeId);
      const survivorId = stringOf(data.survivorId);
      const mergedId = stringOf(data.mergedId);
      if (!mergeId || !survivorId || !mergedId || survivorId === mergedId) return undefined;
      return { kind: envelope.type.endsWith('-unmerged') ? 'unlink' : 'link', mergeId, survivorId, mergedId };
    }
    case 'hearth.customer-profile.guest-erased': {
      const guestId = stringOf(data.guestId) ?? envelope.guestId;
      return guestId ? { kind: 'erase', guestId } : undefined;
    }
    default: {
      if (!PROFILE_REFRESH_TYPES.has(envelope.type)) return undefined;
      const guestId = envelope.guestId ?? stringOf(data.guestId);
      return guestId ? { kind: 'refresh-profile', guestId } : undefined;
    }
  }
}
