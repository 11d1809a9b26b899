import { deciderSpec } from '@hearth/testing';
import { ticketSettingsDecider, type TicketSettingsEvent } from './settings.decider';
import {
  calendarFor,
  DEFAULT_TICKET_SETTINGS,
  escalationOnBreach,
  needsDirectoryTimeZone,
  nextPriority,
  queueFor,
  validateTicketSettings,
  type TicketSettings,
} from './settings.policy';
import { slaTermsFor } from './sla-policy';

const spec = deciderSpec(ticketSettingsDecider);
const AT = '2026-03-02T09:00:00.000Z';

const settings = (overrides: Partial<TicketSettings> = {}): TicketSettings => ({
  ...DEFAULT_TICKET_SETTINGS,
  queues: [
    { queueId: 'front-office', name: 'Front office', managerId: 'manager-maria' },
    { queueId: 'spa', name: 'Spa', brandId: 'hotels' },
  ],
  defaultQueueId: 'front-office',
  ...overrides,
});
const configured = (s: TicketSettings, by = 'admin-1'): TicketSettingsEvent => ({ type: 'TicketSettingsConfigured', data: { tenantId: 't1', settings: s, at: AT, by } });
const configure = (s: TicketSettings) => ({ type: 'ConfigureTicketSettings' as const, tenantId: 't1', settings: s, at: AT, by: 'admin-1' });

describe('ticket settings decider', () => {
  it('starts from the defaults and records a change', () => {
    expect(ticketSettingsDecider.initialState()).toEqual({ configured: false, settings: DEFAULT_TICKET_SETTINGS });
    spec.given([]).when(configure(settings())).then([configured(settings())]);
  });

  it('changes nothing when the same settings are saved again (key order aside), defaults included', () => {
    spec.given([configured(settings())]).when(configure(JSON.parse(JSON.stringify(settings())))).thenNothingHappened();
    spec.given([]).when(configure(DEFAULT_TICKET_SETTINGS)).thenNothingHappened();
  });

  it('replaces the whole document', () => {
    const next = settings({ reopenWindowHours: 24 });
    const state = [configured(settings()), configured(next)].reduce(ticketSettingsDecider.evolve, ticketSettingsDecider.initialState());
    expect(state).toMatchObject({ configured: true, tenantId: 't1', settings: next, updatedAt: AT, updatedBy: 'admin-1' });
  });

  it.each<[string, Partial<TicketSettings>, string]>([
    ['no queue', { queues: [] }, 'INVALID_TICKET_SETTINGS'],
    ['a duplicate queue', { queues: [{ queueId: 'front-office', name: 'A' }, { queueId: 'front-office', name: 'B' }] }, 'INVALID_TICKET_SETTINGS'],
    ['an unknown default queue', { defaultQueueId: 'nowhere' }, 'INVALID_TICKET_SETTINGS'],
    ['a brand-only default queue', { defaultQueueId: 'spa' }, 'INVALID_TICKET_SETTINGS'],
    ['a duplicate category', { categories: [{ code: 'room', name: 'Room' }, { code: 'room', name: 'Rooms' }] }, 'INVALID_TICKET_SETTINGS'],
    ['two policies for the same tickets', { slaPolicies: [{ policyId: 'a', match: {}, firstResponseMinutes: 5, mode: 'calendar' }, { policyId: 'b', match: {}, resolutionMinutes: 5, mode: 'calendar' }] }, 'DUPLICATE_SLA_POLICY'],
    ['a policy without target', { slaPolicies: [{ policyId: 'a', match: {}, mode: 'calendar' }] }, 'INVALID_SLA_POLICY'],
    ['an unknown time zone', { defaultCalendar: { timeZone: 'Mars/Olympus', weeklyHours: { mon: [{ start: '09:00', end: '17:00' }] } } }, 'INVALID_CALENDAR'],
    ['a calendar never open', { calendars: [{ propertyId: 'lisbon-1', weeklyHours: {} }] }, 'INVALID_CALENDAR'],
    ['two calendars for one property', { calendars: [{ propertyId: 'p', weeklyHours: { mon: [{ start: '09:00', end: '17:00' }] } }, { propertyId: 'p', weeklyHours: { tue: [{ start: '09:00', end: '17:00' }] } }] }, 'INVALID_TICKET_SETTINGS'],
    ['a negative reopen window', { reopenWindowHours: -1 }, 'INVALID_TICKET_SETTINGS'],
  ])('refuses %s', (_name, overrides, code) => {
    spec.given([]).when(configure(settings(overrides))).thenThrows(code);
  });

  it('names the offending field', () => {
    expect(() => validateTicketSettings(settings({ calendars: [{ propertyId: 'p', weeklyHours: { mon: [{ start: '18:00', end: '09:00' }] } }] }))).toThrow(
      expect.objectContaining({ code: 'INVALID_CALENDAR', path: 'calendars.0' }),
    );
  });
});

describe('ticket settings rules', () => {
  it('the defaults are valid and give the targets the brief names', () => {
    expect(() => validateTicketSettings(DEFAULT_TICKET_SETTINGS)).not.toThrow();
    const calendar = calendarFor(DEFAULT_TICKET_SETTINGS, undefined, undefined);
    // Monday 2 March 2026 10:00 UTC (open 08:00–20:00 UTC by default)
    const opened = '2026-03-02T10:00:00.000Z';
    expect(slaTermsFor(DEFAULT_TICKET_SETTINGS.slaPolicies, { kind: 'inquiry', priority: 'normal', channel: 'phone' }, opened, calendar)).toEqual({
      'first-response': { policyId: 'inquiry', mode: 'business-hours', minutes: 10, dueAt: '2026-03-02T10:10:00.000Z' },
      resolution: { policyId: 'default', mode: 'business-hours', minutes: 2160, dueAt: '2026-03-05T10:00:00.000Z' },
    });
    expect(slaTermsFor(DEFAULT_TICKET_SETTINGS.slaPolicies, { kind: 'inquiry', priority: 'normal', channel: 'email' }, opened, calendar)?.['first-response']).toEqual({
      policyId: 'email',
      mode: 'calendar',
      minutes: 240,
      dueAt: '2026-03-02T14:00:00.000Z',
    });
    // complaint at 18:00: two business hours today, two tomorrow from 08:00
    expect(slaTermsFor(DEFAULT_TICKET_SETTINGS.slaPolicies, { kind: 'complaint', priority: 'high', channel: 'phone' }, '2026-03-02T18:00:00.000Z', calendar)?.resolution?.dueAt).toBe(
      '2026-03-03T10:00:00.000Z',
    );
  });

  it('takes the calendar of the property, else the default; the zone from the override, else the directory, else UTC', () => {
    const lisbon = { propertyId: 'lisbon-1', weeklyHours: { mon: [{ start: '09:00', end: '17:00' }] }, holidays: ['2026-12-25'] };
    const s = settings({ calendars: [lisbon, { propertyId: 'tokyo-1', timeZone: 'Asia/Tokyo', weeklyHours: { sun: [{ start: '10:00', end: '12:00' }] } }] });
    expect(calendarFor(s, 'lisbon-1', 'Europe/Lisbon')).toEqual({ timeZone: 'Europe/Lisbon', weeklyHours: lisbon.weeklyHours, holidays: ['2026-12-25'] });
    expect(calendarFor(s, 'tokyo-1', 'Europe/Lisbon').timeZone).toBe('Asia/Tokyo');
    expect(calendarFor(s, 'porto-1', null)).toEqual({ timeZone: 'UTC', weeklyHours: s.defaultCalendar.weeklyHours });
    expect(calendarFor(s, undefined, 'Europe/Paris').timeZone).toBe('Europe/Paris');
    expect([needsDirectoryTimeZone(s, 'lisbon-1'), needsDirectoryTimeZone(s, 'tokyo-1'), needsDirectoryTimeZone(s, undefined)]).toEqual([true, false, false]);
  });

  it('escalates one priority step and to the queue manager, as the policy says', () => {
    const s = settings();
    expect(escalationOnBreach(s, { priority: 'normal', queueId: 'front-office', assigneeId: 'agent-ana' })).toEqual({ toPriority: 'high', toAssigneeId: 'manager-maria' });
    expect(escalationOnBreach(s, { priority: 'urgent', queueId: 'front-office', assigneeId: 'manager-maria' })).toBeUndefined();
    expect(escalationOnBreach(s, { priority: 'low', queueId: 'spa' })).toEqual({ toPriority: 'normal' });
    expect(escalationOnBreach({ ...s, escalation: { raisePriority: false, reassignToManager: true } }, { priority: 'low', queueId: 'front-office' })).toEqual({ toAssigneeId: 'manager-maria' });
    expect(escalationOnBreach({ ...s, escalation: { raisePriority: false, reassignToManager: false } }, { priority: 'low', queueId: 'front-office' })).toBeUndefined();
    expect(['low', 'normal', 'high', 'urgent'].map((p) => nextPriority(p as 'low'))).toEqual(['normal', 'high', 'urgent', 'urgent']);
  });

  it('puts tickets in a queue their brand may use', () => {
    const s = settings();
    expect(queueFor(s, undefined, 'bistro')).toEqual({ ok: true, queue: s.queues[0] });
    expect(queueFor(s, 'spa', 'hotels')).toEqual({ ok: true, queue: s.queues[1] });
    expect(queueFor(s, 'spa', 'bistro')).toEqual({ ok: false, reason: 'QUEUE_NOT_FOR_BRAND' });
    expect(queueFor(s, 'kitchen', 'hotels')).toEqual({ ok: false, reason: 'UNKNOWN_QUEUE' });
  });
});
