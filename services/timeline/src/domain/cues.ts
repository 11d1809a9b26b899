import { z } from 'zod';
import { compareInstants, daysBetween, instant, isCalendarDate } from './json';

/**
 * On-screen cues for front-line staff, computed from what the caller may see (never from another brand's
 * private data). Pure: `now` is passed in (for a view "as of" a past moment, that moment).
 *
 * | code | fires when | severity |
 * | --- | --- | --- |
 * | `vip` | elite loyalty tier (`elite: true` or a tier named elite/platinum/diamond/vip/ambassador/black/titanium), or the `vip` segment | info |
 * | `open-complaint` | a visible complaint is open (its ticket is not resolved/closed; without a ticket: no recovery yet) | critical if one is high/critical, else warning |
 * | `service-failure-without-recovery` | a visible complaint in the last 90 days has no visible recovery | warning |
 * | `birthday` | the birthday (snapshot's dateOfBirth; 29 Feb → 28 Feb in common years) is today or within the next 7 days (UTC dates) | info |
 * | `first-visit-to-brand` | the caller acts for a brand and the guest has no visit to it | info |
 * | `at-risk` | analytics riskScore ≥ 0.7 | warning |
 * | `points-expiring` | loyalty `pointsExpiring` with points > 0 expires within 30 days | info |
 * | `offer` | analytics carries an offer (`offer` / `nextBestOffer`) | info |
 */

export const cueCodes = [
  'vip',
  'open-complaint',
  'service-failure-without-recovery',
  'birthday',
  'first-visit-to-brand',
  'at-risk',
  'points-expiring',
  'offer',
] as const;
export type CueCode = (typeof cueCodes)[number];
export type CueSeverity = 'info' | 'warning' | 'critical';

export const cueSchema = z
  .object({
    code: z.enum(cueCodes),
    label: z.string(),
    severity: z.enum(['info', 'warning', 'critical']),
    detail: z.string().nullable(),
  })
  .meta({ id: 'GuestCue' });
export type Cue = z.output<typeof cueSchema>;

/** What the cues are computed from: already filtered to what the caller may see. */
export type CueInput = {
  loyalty: { tier: string | null; elite: boolean | null; pointsExpiring: { points: number; expiresAt: string } | null } | null;
  analytics: { segments: string[]; riskScore: number | null; offer: { code: string; label: string | null } | null } | null;
  complaints: { complaintId: string; open: boolean; category: string | null; severity: string | null; occurredAt: string | null; recoveries: number }[];
  /** YYYY-MM-DD, null when unknown or erased. */
  dateOfBirth: string | null;
  /** The brand the caller acts for (null: chain-wide) and the guest's visits to it. */
  callerBrandId: string | null;
  visitsToCallerBrand: number;
};

export const ELITE_TIERS: ReadonlySet<string> = new Set(['elite', 'platinum', 'diamond', 'vip', 'ambassador', 'black', 'titanium']);
export const AT_RISK_THRESHOLD = 0.7;
export const SERVICE_FAILURE_WINDOW_DAYS = 90;
export const BIRTHDAY_WINDOW_DAYS = 7;
export const POINTS_EXPIRY_WINDOW_DAYS = 30;

const DAY_MS = 86_400_000;
const severityRank: Record<CueSeverity, number> = { critical: 0, warning: 1, info: 2 };

function utcDate(iso: string): string | undefined {
  const ms = instant(iso);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString().slice(0, 10);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days from `today` (YYYY-MM-DD) to the next birthday on or after it; undefined for an unusable date of birth. */
export function daysUntilBirthday(dateOfBirth: string, today: string): { days: number; date: string } | undefined {
  if (!isCalendarDate(dateOfBirth) || !isCalendarDate(today)) return undefined;
  const monthDay = dateOfBirth.slice(5);
  const year = Number(today.slice(0, 4));
  const birthdayIn = (y: number) => `${y}-${monthDay === '02-29' && !isLeapYear(y) ? '02-28' : monthDay}`;
  const thisYear = birthdayIn(year);
  const date = thisYear >= today ? thisYear : birthdayIn(year + 1);
  return { days: daysBetween(today, date), date };
}

const titleCase = (value: string) => value.charAt(0).toUpperCase() + value.slice(1);

export function computeCues(input: CueInput, now: string): Cue[] {
  const cues: Cue[] = [];
  const nowMs = instant(now);

  const tier = input.loyalty?.tier ?? null;
  const eliteTier = input.loyalty?.elite === true || (tier !== null && ELITE_TIERS.has(tier.toLowerCase()));
  const vipSegment = input.analytics?.segments.some((s) => s.toLowerCase() === 'vip') ?? false;
  if (eliteTier || vipSegment) {
    const detail = eliteTier && tier ? `${titleCase(tier)} tier` : eliteTier ? 'Elite tier' : 'VIP segment';
    cues.push({ code: 'vip', label: 'VIP guest', severity: 'info', detail });
  }

  const open = input.complaints.filter((c) => c.open);
  if (open.length > 0) {
    const serious = open.some((c) => c.severity === 'high' || c.severity === 'critical');
    const categories = [...new Set(open.map((c) => c.category).filter((c): c is string => c !== null))].sort();
    const count = open.length === 1 ? '1 open complaint' : `${open.length} open complaints`;
    cues.push({ code: 'open-complaint', label: 'Open complaint', severity: serious ? 'critical' : 'warning', detail: categories.length ? `${count} (${categories.join(', ')})` : count });
  }

  const windowStart = nowMs - SERVICE_FAILURE_WINDOW_DAYS * DAY_MS;
  const unrecovered = input.complaints
    .filter((c) => c.recoveries === 0 && c.occurredAt !== null)
    .filter((c) => {
      const at = instant(c.occurredAt!);
      return at >= windowStart && at <= nowMs;
    })
    .sort((a, b) => compareInstants(b.occurredAt!, a.occurredAt!));
  if (unrecovered.length > 0) {
    const last = unrecovered[0]!;
    const what = last.category ? `${titleCase(last.category)} complaint` : 'Complaint';
    const more = unrecovered.length > 1 ? ` (+${unrecovered.length - 1} more)` : '';
    cues.push({
      code: 'service-failure-without-recovery',
      label: 'Service failure without recovery',
      severity: 'warning',
      detail: `${what} on ${utcDate(last.occurredAt!) ?? last.occurredAt} without recovery${more}`,
    });
  }

  const today = utcDate(now);
  if (input.dateOfBirth && today) {
    const next = daysUntilBirthday(input.dateOfBirth, today);
    if (next && next.days <= BIRTHDAY_WINDOW_DAYS) {
      const detail = next.days === 0 ? 'Birthday today' : next.days === 1 ? `Birthday tomorrow (${next.date.slice(5)})` : `Birthday in ${next.days} days (${next.date.slice(5)})`;
      cues.push({ code: 'birthday', label: 'Birthday', severity: 'info', detail });
    }
  }

  if (input.callerBrandId !== null && input.visitsToCallerBrand === 0) {
    cues.push({ code: 'first-visit-to-brand', label: 'First visit to this brand', severity: 'info', detail: `No previous visit to ${input.callerBrandId}` });
  }

  const risk = input.analytics?.riskScore ?? null;
  if (risk !== null && risk >= AT_RISK_THRESHOLD) {
    cues.push({ code: 'at-risk', label: 'At risk', severity: 'warning', detail: `Risk score ${risk.toFixed(2)}` });
  }

  const expiring = input.loyalty?.pointsExpiring ?? null;
  if (expiring && expiring.points > 0) {
    const at = instant(expiring.expiresAt);
    if (at >= nowMs && at <= nowMs + POINTS_EXPIRY_WINDOW_DAYS * DAY_MS) {
      cues.push({ code: 'points-expiring', label: 'Points expiring', severity: 'info', detail: `${expiring.points} points expire on ${utcDate(expiring.expiresAt)}` });
    }
  }

  const offer = input.analytics?.offer ?? null;
  if (offer) cues.push({ code: 'offer', label: 'Offer available', severity: 'info', detail: offer.label ?? offer.code });

  return cues.sort((a, b) => severityRank[a.severity] - severityRank[b.severity] || cueCodes.indexOf(a.code) - cueCodes.indexOf(b.code));
}
