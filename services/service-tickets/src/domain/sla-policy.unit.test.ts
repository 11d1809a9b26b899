import type { BusinessCalendar } from './sla-clock';
import { matchSlaTargets, slaTermsFor, validateSlaPolicies, type SlaPolicy } from './sla-policy';

/** The product brief's examples: inquiry 10 min, complaint half a working day, e-mail 4 h. */
const inquiry: SlaPolicy = { policyId: 'inquiry', match: { kind: 'inquiry' }, firstResponseMinutes: 10, mode: 'calendar' };
const complaint: SlaPolicy = { policyId: 'complaint', match: { kind: 'complaint' }, firstResponseMinutes: 60, resolutionMinutes: 240, mode: 'business-hours' };
const email: SlaPolicy = { policyId: 'email', match: { channel: 'email' }, firstResponseMinutes: 240, mode: 'calendar' };
const urgentComplaint: SlaPolicy = { policyId: 'urgent-complaint', match: { kind: 'complaint', priority: 'urgent' }, firstResponseMinutes: 15, mode: 'calendar' };
const urgentPhoneComplaint: SlaPolicy = {
  policyId: 'urgent-phone-complaint',
  match: { kind: 'complaint', priority: 'urgent', channel: 'phone' },
  firstResponseMinutes: 5,
  mode: 'calendar',
};
const fallback: SlaPolicy = { policyId: 'default', match: {}, firstResponseMinutes: 480, resolutionMinutes: 2880, mode: 'business-hours' };
const tenant = [inquiry, complaint, email, urgentComplaint, urgentPhoneComplaint, fallback];

const lisbon: BusinessCalendar = {
  timeZone: 'Europe/Lisbon',
  weeklyHours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ start: '09:00', end: '18:00' }]])),
};

describe('SLA policy matching', () => {
  it('takes each target from the most specific policy that sets it, falling back to the default', () => {
    expect(matchSlaTargets(tenant, { kind: 'inquiry', priority: 'normal', channel: 'phone' })).toEqual({
      'first-response': { policyId: 'inquiry', mode: 'calendar', minutes: 10 },
      resolution: { policyId: 'default', mode: 'business-hours', minutes: 2880 },
    });
    expect(matchSlaTargets(tenant, { kind: 'complaint', priority: 'high', channel: 'chat' })).toEqual({
      'first-response': { policyId: 'complaint', mode: 'business-hours', minutes: 60 },
      resolution: { policyId: 'complaint', mode: 'business-hours', minutes: 240 },
    });
  });

  it('prefers two matching dimensions over one, and three over two', () => {
    expect(matchSlaTargets(tenant, { kind: 'complaint', priority: 'urgent', channel: 'email' })['first-response']?.policyId).toBe('urgent-complaint');
    expect(matchSlaTargets(tenant, { kind: 'complaint', priority: 'urgent', channel: 'phone' })['first-response']?.policyId).toBe('urgent-phone-complaint');
    // the more specific policies set no resolution target: it still comes from the complaint policy
    expect(matchSlaTargets(tenant, { kind: 'complaint', priority: 'urgent', channel: 'phone' }).resolution?.policyId).toBe('complaint');
  });

  it('breaks ties between equally specific policies by the order the tenant listed them', () => {
    const ticket = { kind: 'inquiry', priority: 'normal', channel: 'email' } as const;
    expect(matchSlaTargets([inquiry, email], ticket)['first-response']?.policyId).toBe('inquiry');
    expect(matchSlaTargets([email, inquiry], ticket)['first-response']?.policyId).toBe('email');
  });

  it('sets no target when no policy matches', () => {
    expect(matchSlaTargets([inquiry, email], { kind: 'request', priority: 'low', channel: 'walk-in' })).toEqual({});
    expect(matchSlaTargets([], { kind: 'request', priority: 'low', channel: 'walk-in' })).toEqual({});
  });

  it('computes the terms of a new ticket: due times on the calendar of each target mode', () => {
    // Friday 6 March 2026, 17:30 in Lisbon (UTC+0)
    const terms = slaTermsFor(tenant, { kind: 'complaint', priority: 'high', channel: 'phone' }, '2026-03-06T17:30:00Z', lisbon);
    expect(terms).toEqual({
      // 60 business minutes: 30 on Friday, 30 on Monday
      'first-response': { policyId: 'complaint', mode: 'business-hours', minutes: 60, dueAt: '2026-03-09T09:30:00.000Z' },
      // 240 business minutes: 30 on Friday, 210 on Monday
      resolution: { policyId: 'complaint', mode: 'business-hours', minutes: 240, dueAt: '2026-03-09T12:30:00.000Z' },
    });
    const inquiryTerms = slaTermsFor([inquiry], { kind: 'inquiry', priority: 'normal', channel: 'chat' }, '2026-03-06T17:55:00Z', lisbon);
    expect(inquiryTerms).toEqual({ 'first-response': { policyId: 'inquiry', mode: 'calendar', minutes: 10, dueAt: '2026-03-06T18:05:00.000Z' } });
    expect(slaTermsFor([inquiry], { kind: 'request', priority: 'normal', channel: 'chat' }, '2026-03-06T17:55:00Z', lisbon)).toBeUndefined();
  });

  describe('validation', () => {
    it('accepts the tenant list', () => expect(() => validateSlaPolicies(tenant)).not.toThrow());
    it('refuses two policies for the same tickets', () =>
      expect(() => validateSlaPolicies([inquiry, { ...inquiry, policyId: 'inquiry-2' }])).toThrow(expect.objectContaining({ code: 'DUPLICATE_SLA_POLICY' })));
    it('refuses a reused policy id', () =>
      expect(() => validateSlaPolicies([inquiry, { ...email, policyId: 'inquiry' }])).toThrow(expect.objectContaining({ code: 'DUPLICATE_SLA_POLICY' })));
    it('refuses a policy without targets or with a non-positive or fractional target', () => {
      expect(() => validateSlaPolicies([{ policyId: 'p', match: {}, mode: 'calendar' }])).toThrow(expect.objectContaining({ code: 'INVALID_SLA_POLICY' }));
      expect(() => validateSlaPolicies([{ ...inquiry, firstResponseMinutes: 0 }])).toThrow(expect.objectContaining({ code: 'INVALID_SLA_POLICY' }));
      expect(() => validateSlaPolicies([{ ...inquiry, firstResponseMinutes: 2.5 }])).toThrow(expect.objectContaining({ code: 'INVALID_SLA_POLICY' }));
    });
  });
});
