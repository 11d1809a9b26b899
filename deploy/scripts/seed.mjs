#!/usr/bin/env node
// `npm run seed`: loads a realistic demo chain into the running stack (`npm start`) over HTTP:
// tenant demo-chain, 3 brands (two in the data-sharing agreement, one private), 6 properties with time
// zones, 2,000 guests with identities, consents and preferences (customer-profile, :4101), and their
// timelines across brands (timeline, :4102, POST /v1/touchpoints:batch): reservations (some arriving
// today), stays, dining visits, purchases, calls, e-mails, chats, web visits, notes, complaints with and
// without service recovery, survey responses.
//
// Deterministic: every guest's data comes from a PRNG seeded with (SEED_SEED, guest number), so the same
// guest number always gets the same person and history. Dates are relative to the day of the run.
// Idempotent: guests are registered with an Idempotency-Key (and found by e-mail when they exist
// already), preferences and consents repeat as no-ops, touchpoints carry a stable sourceEventId. Upcoming
// reservations carry the run's date in their id, so a re-run on another day adds that day's arrivals.
//
// service-tickets (:4103) gets the tenant's ticket settings (queues per brand with managers, categories,
// SLA policies, business calendars of the properties, reopen window, escalation; saved only when missing or
// different), 12 knowledge-base articles plus one drafted from a resolved ticket, and ~600 tickets of the
// last 29.5 days for a sample of the guests (by id, or by the e-mail the gateway received), each with the
// lifecycle its plan gives it: assigned, worked, answered, waiting on the guest, referred, delegated,
// complaints with recoveries, resolved, surveyed, closed, reopened, or still open today (overdue ones are
// escalated by the service's SLA timers). `receivedAt` puts each ticket's SLA clock in the past; the later
// steps happen at the time of the run (the API stamps commands with the server's clock). Tickets have
// stable ids (derived from their Idempotency-Key): a re-run opens none again and runs only the steps a
// ticket has not had yet, counted from the events the seed's own actors recorded on it.
//
// Environment: CUSTOMER_PROFILE_URL (http://127.0.0.1:4101), TIMELINE_URL (http://127.0.0.1:4102),
// TICKETS_URL (http://127.0.0.1:4103), SEED_TENANT (demo-chain), SEED_GUESTS (2000), SEED_TICKETS (600; 0
// leaves service-tickets out), SEED_SEED (hearth), SEED_CONCURRENCY (16 guest writes / tickets in flight),
// SEED_BATCH_SIZE (250 touchpoints per batch), SEED_BATCH_CONCURRENCY (4), JWT_SECRET as the services.
// `npm run seed -- --dry-run` prints what would be loaded (and the ticket plan) without calling the services.
/* global fetch */
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const require = createRequire(import.meta.url);

const TENANT = process.env.SEED_TENANT || 'demo-chain';
const GUESTS = Number(process.env.SEED_GUESTS ?? 2_000);
const SEED = process.env.SEED_SEED || 'hearth';
const CONCURRENCY = Number(process.env.SEED_CONCURRENCY ?? 16);
const BATCH_SIZE = Math.min(500, Number(process.env.SEED_BATCH_SIZE ?? 250));
const BATCH_CONCURRENCY = Number(process.env.SEED_BATCH_CONCURRENCY ?? 4);
const PROFILE_URL = (process.env.CUSTOMER_PROFILE_URL || 'http://127.0.0.1:4101').replace(/\/$/, '');
const TIMELINE_URL = (process.env.TIMELINE_URL || 'http://127.0.0.1:4102').replace(/\/$/, '');
const TICKETS_URL = (process.env.TICKETS_URL || 'http://127.0.0.1:4103').replace(/\/$/, '');
const TICKETS = Number(process.env.SEED_TICKETS ?? 600);
/** `npm run seed -- --dry-run`: generates the data and prints the counts without calling the services. */
const DRY_RUN = process.argv.includes('--dry-run');

// ---------------------------------------------------------------------------------------------------
// The chain

const BRANDS = [
  { brandId: 'aurora-hotels', name: 'Aurora Hotels & Resorts', sharing: 'shared' },
  { brandId: 'ember-dining', name: 'Ember Kitchen & Bar', sharing: 'shared' },
  { brandId: 'north-lane', name: 'North Lane Outfitters', sharing: 'private' },
];
const PROPERTIES = [
  { propertyId: 'aurora-lisboa', brandId: 'aurora-hotels', name: 'Aurora Lisboa Avenida', kind: 'hotel', country: 'PT', timeZone: 'Europe/Lisbon', currency: 'EUR', rate: [110, 320] },
  { propertyId: 'aurora-london', brandId: 'aurora-hotels', name: 'Aurora London Kensington', kind: 'hotel', country: 'GB', timeZone: 'Europe/London', currency: 'GBP', rate: [150, 420] },
  { propertyId: 'aurora-new-york', brandId: 'aurora-hotels', name: 'Aurora New York Midtown', kind: 'hotel', country: 'US', timeZone: 'America/New_York', currency: 'USD', rate: [210, 560] },
  { propertyId: 'ember-chiado', brandId: 'ember-dining', name: 'Ember Chiado', kind: 'restaurant', country: 'PT', timeZone: 'Europe/Lisbon', currency: 'EUR', rate: [22, 60] },
  { propertyId: 'ember-soho', brandId: 'ember-dining', name: 'Ember Soho', kind: 'restaurant', country: 'GB', timeZone: 'Europe/London', currency: 'GBP', rate: [28, 75] },
  { propertyId: 'north-lane-porto', brandId: 'north-lane', name: 'North Lane Porto', kind: 'store', country: 'PT', timeZone: 'Europe/Lisbon', currency: 'EUR', rate: [0, 0] },
];
const HOTELS = PROPERTIES.filter((p) => p.kind === 'hotel');
const RESTAURANTS = PROPERTIES.filter((p) => p.kind === 'restaurant');
const STORE = PROPERTIES.find((p) => p.kind === 'store');

const COUNTRIES = [
  { code: 'PT', weight: 30, language: 'pt-PT', phone: (n) => `+35191${pad(n, 7)}`, city: 'Lisboa', postal: '1250-096',
    given: ['Ana', 'João', 'Maria', 'Pedro', 'Inês', 'Tiago', 'Beatriz', 'Rui', 'Sofia', 'Miguel', 'Catarina', 'Nuno', 'Mariana', 'Diogo', 'Rita', 'Gonçalo'],
    family: ['Silva', 'Santos', 'Ferreira', 'Pereira', 'Oliveira', 'Costa', 'Rodrigues', 'Martins', 'Sousa', 'Fernandes', 'Gonçalves', 'Lopes', 'Marques', 'Almeida'] },
  { code: 'GB', weight: 25, language: 'en-GB', phone: (n) => `+447700${pad(n, 6)}`, city: 'London', postal: 'SW7 2RL',
    given: ['Oliver', 'Amelia', 'George', 'Isla', 'Harry', 'Ava', 'Jack', 'Emily', 'Charlie', 'Sophie', 'Thomas', 'Grace', 'James', 'Lily', 'William', 'Chloe'],
    family: ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Wright', 'Walker', 'Evans', 'Thompson', 'Hughes'] },
  { code: 'US', weight: 20, language: 'en-US', phone: (n) => `+1212555${pad(n % 10_000, 4)}`, city: 'New York', postal: '10019',
    given: ['Liam', 'Olivia', 'Noah', 'Emma', 'Ethan', 'Ava', 'Mason', 'Mia', 'Lucas', 'Harper', 'Logan', 'Evelyn', 'Elijah', 'Abigail', 'Aiden', 'Ella'],
    family: ['Miller', 'Davis', 'Garcia', 'Rodriguez', 'Martinez', 'Anderson', 'Thomas', 'Jackson', 'White', 'Harris', 'Clark', 'Lewis', 'Robinson', 'Young'] },
  { code: 'ES', weight: 10, language: 'es-ES', phone: (n) => `+3461${pad(n, 7)}`, city: 'Madrid', postal: '28013',
    given: ['Lucía', 'Hugo', 'Martina', 'Mateo', 'Paula', 'Daniel', 'Julia', 'Pablo', 'Carmen', 'Álvaro'],
    family: ['García', 'Fernández', 'González', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Ruiz', 'Díaz'] },
  { code: 'FR', weight: 8, language: 'fr-FR', phone: (n) => `+3361${pad(n, 7)}`, city: 'Paris', postal: '75008',
    given: ['Louise', 'Gabriel', 'Jade', 'Léo', 'Alice', 'Raphaël', 'Chloé', 'Arthur', 'Léa', 'Jules'],
    family: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau'] },
  { code: 'DE', weight: 7, language: 'de-DE', phone: (n) => `+4915112${pad(n, 6)}`, city: 'Berlin', postal: '10117',
    given: ['Mia', 'Ben', 'Emilia', 'Paul', 'Hannah', 'Leon', 'Lina', 'Finn', 'Lena', 'Jonas'],
    family: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann'] },
];
const STREETS = ['Rua Augusta', 'Avenida da Liberdade', 'Cromwell Road', 'Baker Street', 'West 57th Street', 'Calle Mayor', 'Rue de Rivoli', 'Friedrichstraße'];
const ROOM_TYPES = ['standard-double', 'superior-king', 'deluxe-twin', 'junior-suite', 'suite'];
const SPECIAL_REQUESTS = ['Late arrival around 23:00', 'Quiet room away from the lift, please', 'Celebrating an anniversary', 'Needs a cot for the baby', 'Early check-in if possible', 'Feather-free bedding'];
const CALL_TOPICS = ['reservation-change', 'billing-question', 'lost-property', 'loyalty-points', 'general-enquiry'];
const CALL_SUMMARIES = ['Asked to move the arrival by one day', 'Queried a minibar charge on the folio', 'Left a charger in the room', 'Asked how to use points for a night', 'Asked about parking at the hotel'];
const COMPLAINTS = [
  { category: 'noise', text: 'Loud music from the next room until 2am' },
  { category: 'cleanliness', text: 'Bathroom not cleaned on arrival' },
  { category: 'billing', text: 'Charged twice for breakfast' },
  { category: 'staff', text: 'Front desk was dismissive at check-in' },
  { category: 'food', text: 'Steak served cold, waited 50 minutes' },
  { category: 'service', text: 'Room service order never arrived' },
];
const RECOVERIES = [
  { action: 'apology', note: 'Duty manager called the guest to apologise' },
  { action: 'refund', note: 'Refunded the duplicate charge' },
  { action: 'upgrade', note: 'Upgraded to a junior suite for the rest of the stay' },
  { action: 'voucher', note: 'Dinner voucher for two at Ember' },
  { action: 'points', note: 'Goodwill points added' },
];
const SURVEY_COMMENTS = ['Lovely staff, will come back', 'Great breakfast', 'Room a bit small for the price', 'Fantastic view', 'Check-in took too long'];
const NOTES = ['Prefers a room on a high floor', 'Regular at the bar, likes a negroni', 'Travels with a small dog', 'Allergic to nuts', 'Speaks Portuguese and English'];
const SKUS = [
  { sku: 'NL-JKT-RAIN-M', price: 129.0 }, { sku: 'NL-SWT-MERINO-L', price: 89.0 }, { sku: 'NL-TEE-ORG-S', price: 29.0 },
  { sku: 'NL-BOOT-HIKE-42', price: 159.0 }, { sku: 'NL-CAP-WOOL', price: 25.0 }, { sku: 'NL-BAG-DAY-20L', price: 69.0 },
];
const CAMPAIGNS = ['spring-getaway', 'members-weekend', 'autumn-sale', null];
const PAGES = ['/collections/outerwear', '/collections/knitwear', '/products/nl-jkt-rain', '/products/nl-boot-hike', '/stores/porto', '/cart'];

// ---------------------------------------------------------------------------------------------------
// Deterministic randomness and dates

/** 32-bit FNV-1a, to seed one PRNG per guest from (SEED, guest number). */
function hash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
/** mulberry32: small, fast, good enough for demo data. */
function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    chance: (p) => next() < p,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
    weighted: (items) => {
      const total = items.reduce((s, i) => s + i.weight, 0);
      let r = next() * total;
      for (const item of items) if ((r -= item.weight) < 0) return item;
      return items[items.length - 1];
    },
  };
}

function pad(n, width) {
  return String(n).padStart(width, '0');
}
const DAY_MS = 86_400_000;
const now = Date.now();
const formatters = new Map();
function formatter(kind, timeZone) {
  const key = `${kind}:${timeZone}`;
  if (!formatters.has(key)) {
    formatters.set(key, kind === 'date'
      ? new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
      : new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }));
  }
  return formatters.get(key);
}
/** Today's date (YYYY-MM-DD) in a time zone. */
function localDate(timeZone, at = now) {
  return formatter('date', timeZone).format(at);
}
function addDays(date, days) {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}
/** The instant (ISO) of a local wall-clock time in a time zone. */
function zonedIso(date, hour, minute, timeZone) {
  const guess = Date.parse(`${date}T${pad(hour, 2)}:${pad(minute, 2)}:00Z`);
  const parts = Object.fromEntries(
    formatter('time', timeZone)
      .formatToParts(guess)
      .map((p) => [p.type, p.value]),
  );
  const asLocal = Date.parse(`${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:00Z`);
  return new Date(guess - (asLocal - guess)).toISOString();
}
const money = (value, currency) => ({ amount: value.toFixed(2), currency });
const ascii = (text) => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/ß/g, 'ss').toLowerCase().replace(/[^a-z]/g, '');

// ---------------------------------------------------------------------------------------------------
// One guest: profile, identities, preferences, consents and a timeline

/** Which brands a guest has a relationship with (weights in %). */
const SEGMENTS = [
  { weight: 28, brands: ['aurora-hotels'] },
  { weight: 15, brands: ['ember-dining'] },
  { weight: 10, brands: ['north-lane'] },
  { weight: 25, brands: ['aurora-hotels', 'ember-dining'] },
  { weight: 8, brands: ['aurora-hotels', 'north-lane'] },
  { weight: 6, brands: ['ember-dining', 'north-lane'] },
  { weight: 8, brands: ['aurora-hotels', 'ember-dining', 'north-lane'] },
];

function makeGuest(i) {
  const r = prng(hash(`${SEED}:${i}`));
  const country = r.weighted(COUNTRIES);
  const given = r.pick(country.given);
  const family = r.pick(country.family);
  const email = `${ascii(given)}.${ascii(family)}.${i}@${r.pick(['example.com', 'example.net', 'example.org'])}`;
  const segment = r.weighted(SEGMENTS);
  const brands = segment.brands;
  const identities = [{ type: 'email', value: email }];
  if (r.chance(0.7)) identities.push({ type: 'phone', value: country.phone(100_000 + i) });
  const member = brands.includes('aurora-hotels') && r.chance(0.45) ? `AUR${pad(200_000 + i, 7)}` : null;
  if (member) identities.push({ type: 'member', value: member });
  let dateOfBirth;
  if (r.chance(0.02)) {
    // a birthday within the next week (the view's birthday cue)
    const soon = addDays(localDate('UTC'), r.int(0, 6));
    dateOfBirth = `${r.int(1955, 1998)}${soon.slice(4)}`;
    if (dateOfBirth.endsWith('-02-29')) dateOfBirth = dateOfBirth.replace('-02-29', '-02-28');
  } else if (r.chance(0.6)) {
    dateOfBirth = `${r.int(1950, 2003)}-${pad(r.int(1, 12), 2)}-${pad(r.int(1, 28), 2)}`;
  }
  const profile = {
    name: { ...(r.chance(0.15) ? { title: r.pick(['Dr', 'Mr', 'Ms', 'Mrs']) } : {}), given, family },
    ...(dateOfBirth ? { dateOfBirth } : {}),
    language: country.language,
    customerType: r.chance(0.05) ? 'business' : 'individual',
    identities,
  };
  if (r.chance(0.35)) profile.address = { lines: [`${r.int(1, 240)} ${r.pick(STREETS)}`], city: country.city, postalCode: country.postal, country: country.code };

  const preferences = [];
  if (r.chance(0.5)) preferences.push({ key: 'pillow', body: { value: r.pick(['firm', 'soft', 'hypoallergenic']), scope: 'shared' } });
  if (r.chance(0.3)) preferences.push({ key: 'dietary', body: { value: r.pick(['vegetarian', 'vegan', 'gluten-free', 'lactose-free', 'halal']), scope: 'shared' } });
  if (brands.includes('aurora-hotels') && r.chance(0.35)) preferences.push({ key: 'room-location', body: { value: r.pick(['high floor', 'near the lift', 'quiet side', 'sea view']), scope: 'brand', brandId: 'aurora-hotels' } });
  if (brands.includes('aurora-hotels') && r.chance(0.12)) preferences.push({ key: 'arrival', body: { value: r.pick(SPECIAL_REQUESTS), kind: 'special-request', scope: 'brand', brandId: 'aurora-hotels' } });
  if (brands.includes('ember-dining') && r.chance(0.3)) preferences.push({ key: 'table', body: { value: r.pick(['window', 'terrace', 'booth', 'bar counter']), scope: 'brand', brandId: 'ember-dining' } });
  if (brands.includes('north-lane') && r.chance(0.4)) preferences.push({ key: 'clothing-size', body: { value: r.pick(['S', 'M', 'L', 'XL']), scope: 'brand', brandId: 'north-lane' } });

  const consents = [];
  for (const brandId of brands) {
    consents.push({ brandId, purpose: 'marketing', channel: 'email', granted: r.chance(0.62), source: 'seed:signup-form' });
    if (r.chance(0.3)) consents.push({ brandId, purpose: 'marketing', channel: 'sms', granted: r.chance(0.5), source: 'seed:signup-form' });
    if (brandId !== 'north-lane' && r.chance(0.5)) consents.push({ brandId, purpose: 'data-sharing', channel: 'email', granted: r.chance(0.8), source: 'seed:privacy-centre' });
  }

  return { i, r, country, email, member, brands, profile, preferences, consents };
}

/** The guest's touchpoints (without the guest reference, added once the guest id is known). */
function makeTimeline(guest, counters) {
  const { i, r, brands, member, email } = guest;
  const items = [];
  let n = 0;
  const add = ({ propertyId, ...item }, key) =>
    items.push({ ...item, ...(propertyId ? { propertyId } : {}), sourceEventId: `seed:${TENANT}:g${i}:${key ?? n++}` });
  const today = localDate('UTC');
  const pastDay = (maxDaysAgo) => addDays(today, -r.int(2, maxDaysAgo));
  const loyal = r.chance(0.06);

  const complaintAndRecovery = (property, date, key, categories) => {
    const c = r.pick(COMPLAINTS.filter((x) => categories.includes(x.category)));
    const complaintId = `CMP-${i}-${key}`;
    const at = zonedIso(date, r.int(8, 22), r.int(0, 59), property.timeZone);
    add({ type: 'complaint', brandId: property.brandId, propertyId: property.propertyId, channel: r.pick(['front-desk', 'phone', 'email']), occurredAt: at,
      payload: { complaintId, category: c.category, severity: r.weighted([{ v: 'low', weight: 4 }, { v: 'medium', weight: 4 }, { v: 'high', weight: 2 }, { v: 'critical', weight: 0.5 }]).v, description: c.text } }, `${key}:complaint`);
    counters.complaints++;
    if (r.chance(0.6)) {
      const rec = r.pick(RECOVERIES);
      add({ type: 'service-recovery', brandId: property.brandId, propertyId: property.propertyId, channel: 'front-desk', occurredAt: new Date(Date.parse(at) + r.int(1, 48) * 3_600_000).toISOString(),
        payload: { complaintId, action: rec.action, ...(rec.action === 'refund' || rec.action === 'voucher' ? { value: money(r.int(20, 150), property.currency) } : {}), note: rec.note } }, `${key}:recovery`);
      counters.recoveries++;
    }
  };

  if (brands.includes('aurora-hotels')) {
    const home = r.pick(HOTELS);
    const stays = loyal ? r.int(10, 24) : r.int(1, 5);
    for (let s = 0; s < stays; s++) {
      const hotel = r.chance(0.7) ? home : r.pick(HOTELS);
      const nights = r.weighted([{ v: 1, weight: 3 }, { v: 2, weight: 4 }, { v: 3, weight: 3 }, { v: 4, weight: 1.5 }, { v: 7, weight: 0.7 }]).v;
      const arrival = pastDay(3 * 365);
      const departure = addDays(arrival, nights);
      if (departure >= today) continue;
      const reservationId = `${hotel.propertyId.toUpperCase()}-${i}-${s}`;
      const booked = addDays(arrival, -r.int(1, 90));
      const adults = r.int(1, 2);
      add({ type: 'reservation-made', brandId: hotel.brandId, propertyId: hotel.propertyId, channel: r.pick(['web', 'phone', 'ota', 'app']), occurredAt: zonedIso(booked, r.int(7, 23), r.int(0, 59), hotel.timeZone),
        payload: { reservationId, arrivalDate: arrival, departureDate: departure, roomType: r.pick(ROOM_TYPES), adults, children: r.chance(0.2) ? r.int(1, 2) : 0, ...(r.chance(0.1) ? { specialRequests: r.pick(SPECIAL_REQUESTS) } : {}) } }, `${reservationId}:made`);
      counters.reservations++;
      if (r.chance(0.08)) {
        add({ type: 'reservation-cancelled', brandId: hotel.brandId, propertyId: hotel.propertyId, channel: r.pick(['web', 'phone']), occurredAt: zonedIso(addDays(arrival, -r.int(1, 10)), r.int(8, 22), 0, hotel.timeZone),
          payload: { reservationId, reason: r.pick(['change-of-plans', 'illness', 'booked-elsewhere']) } }, `${reservationId}:cancelled`);
        continue;
      }
      if (r.chance(0.2)) {
        const k = r.int(0, CALL_TOPICS.length - 1);
        add({ type: 'call', brandId: hotel.brandId, propertyId: hotel.propertyId, channel: 'phone', occurredAt: zonedIso(addDays(arrival, -r.int(1, 5)), r.int(9, 20), r.int(0, 59), hotel.timeZone),
          payload: { direction: 'inbound', durationSeconds: r.int(60, 900), topic: CALL_TOPICS[k], summary: CALL_SUMMARIES[k] } });
        counters.calls++;
      }
      const roomRevenue = r.int(hotel.rate[0], hotel.rate[1]) * nights;
      const extras = r.chance(0.5) ? r.int(20, 300) : 0;
      add({ type: 'stay', brandId: hotel.brandId, propertyId: hotel.propertyId, channel: 'pms', occurredAt: zonedIso(departure, 11, r.int(0, 59), hotel.timeZone),
        amount: money(roomRevenue + extras, hotel.currency), payload: { reservationId, arrivalDate: arrival, departureDate: departure, nights, roomRevenue: money(roomRevenue, hotel.currency) } }, `${reservationId}:stay`);
      counters.stays++;
      if (r.chance(0.06)) complaintAndRecovery(hotel, addDays(arrival, r.int(0, nights - 1)), reservationId, ['noise', 'cleanliness', 'billing', 'staff', 'service']);
      if (r.chance(0.3)) {
        const score = r.weighted([{ v: 5, weight: 45 }, { v: 4, weight: 30 }, { v: 3, weight: 13 }, { v: 2, weight: 7 }, { v: 1, weight: 5 }]).v;
        add({ type: 'survey-response', brandId: hotel.brandId, propertyId: hotel.propertyId, channel: 'email', occurredAt: zonedIso(addDays(departure, r.int(1, 4)), r.int(8, 22), r.int(0, 59), hotel.timeZone),
          payload: { score, surveyId: 'post-stay-2026', ...(r.chance(0.4) ? { comment: r.pick(SURVEY_COMMENTS) } : {}) } }, `${reservationId}:survey`);
        counters.surveys++;
      }
    }
    // A recent complaint without recovery yet for a few guests (the "service failure without recovery" cue).
    if (r.chance(0.015)) {
      const hotel = r.pick(HOTELS);
      const c = r.pick(COMPLAINTS.filter((x) => x.category !== 'food'));
      add({ type: 'complaint', brandId: hotel.brandId, propertyId: hotel.propertyId, channel: 'email', occurredAt: zonedIso(addDays(today, -r.int(2, 30)), r.int(8, 22), 0, hotel.timeZone),
        payload: { complaintId: `CMP-${i}-open`, category: c.category, severity: 'high', description: c.text } }, 'open-complaint');
      counters.complaints++;
    }
    // Upcoming reservations (ids carry the run's date: a re-run on another day adds that day's arrivals).
    const arrivingToday = r.chance(0.04);
    if (arrivingToday || r.chance(0.12)) {
      const hotel = r.chance(0.7) ? home : r.pick(HOTELS);
      const arrival = arrivingToday ? localDate(hotel.timeZone) : addDays(localDate(hotel.timeZone), r.int(1, 60));
      const nights = r.int(1, 5);
      const reservationId = `${hotel.propertyId.toUpperCase()}-${i}-${arrival.replace(/-/g, '')}`;
      add({ type: 'reservation-made', brandId: hotel.brandId, propertyId: hotel.propertyId, channel: r.pick(['web', 'phone', 'ota', 'app']), occurredAt: new Date(now - r.int(1, 40) * DAY_MS).toISOString(),
        payload: { reservationId, arrivalDate: arrival, departureDate: addDays(arrival, nights), roomType: r.pick(ROOM_TYPES), adults: r.int(1, 2), children: 0, ...(r.chance(0.35) ? { specialRequests: r.pick(SPECIAL_REQUESTS) } : {}) } }, `${reservationId}:made`);
      counters.reservations++;
      if (arrivingToday) counters.arrivalsToday[hotel.propertyId] = (counters.arrivalsToday[hotel.propertyId] ?? 0) + 1;
      else counters.upcoming++;
    }
    if (r.chance(0.05)) {
      add({ type: 'note', brandId: 'aurora-hotels', propertyId: home.propertyId, channel: 'front-desk', visibility: 'brand', occurredAt: zonedIso(pastDay(400), r.int(8, 22), 0, home.timeZone), payload: { text: r.pick(NOTES) } });
      counters.notes++;
    }
    if (r.chance(0.15)) {
      add({ type: 'email', brandId: 'aurora-hotels', propertyId: null, channel: 'email', occurredAt: new Date(now - r.int(2, 500) * DAY_MS).toISOString(),
        payload: { direction: r.pick(['inbound', 'outbound']), topic: r.pick(['pre-arrival', 'invoice-copy', 'group-booking']), subject: r.pick(['Your upcoming stay', 'Copy of invoice', 'Group booking enquiry']) } });
      counters.emails++;
    }
  }

  if (brands.includes('ember-dining')) {
    const home = r.pick(RESTAURANTS);
    const visits = loyal ? r.int(10, 30) : r.int(1, 8);
    for (let v = 0; v < visits; v++) {
      const restaurant = r.chance(0.8) ? home : r.pick(RESTAURANTS);
      const date = pastDay(2 * 365);
      const covers = r.weighted([{ v: 1, weight: 1 }, { v: 2, weight: 5 }, { v: 3, weight: 1.5 }, { v: 4, weight: 2 }, { v: 6, weight: 0.7 }]).v;
      add({ type: 'dining-visit', brandId: restaurant.brandId, propertyId: restaurant.propertyId, channel: 'pos', occurredAt: zonedIso(date, r.pick([13, 14, 20, 21]), r.int(0, 59), restaurant.timeZone),
        amount: money(covers * r.int(restaurant.rate[0], restaurant.rate[1]) + r.int(0, 99) / 100, restaurant.currency), payload: { covers, outlet: r.pick(['dining-room', 'terrace', 'bar']) } }, `dining:${v}`);
      counters.diningVisits++;
      if (r.chance(0.03)) complaintAndRecovery(restaurant, date, `dining-${v}`, ['food', 'service', 'billing']);
    }
    if (r.chance(0.1)) {
      add({ type: 'chat', brandId: 'ember-dining', propertyId: home.propertyId, channel: 'web-chat', occurredAt: new Date(now - r.int(2, 300) * DAY_MS).toISOString(),
        payload: { direction: 'inbound', durationSeconds: r.int(60, 600), topic: 'table-booking', summary: 'Asked for a table for a birthday dinner' } });
      counters.chats++;
    }
  }

  if (brands.includes('north-lane')) {
    // North Lane is outside the data-sharing agreement: its entries are private to the brand.
    const purchases = loyal ? r.int(6, 15) : r.int(1, 6);
    for (let p = 0; p < purchases; p++) {
      const online = r.chance(0.4);
      const lines = Array.from({ length: r.int(1, 3) }, () => {
        const item = r.pick(SKUS);
        return { sku: item.sku, quantity: r.int(1, 2), unitPrice: money(item.price, 'EUR') };
      });
      const total = lines.reduce((s, l) => s + l.quantity * Number(l.unitPrice.amount), 0);
      add({ type: 'purchase', brandId: 'north-lane', propertyId: online ? null : STORE.propertyId, channel: online ? 'web' : 'pos', visibility: 'brand',
        occurredAt: zonedIso(pastDay(2 * 365), r.int(10, 20), r.int(0, 59), STORE.timeZone), amount: money(total, 'EUR'), payload: { items: lines } }, `purchase:${p}`);
      counters.purchases++;
    }
    if (r.chance(0.5)) {
      const campaign = r.pick(CAMPAIGNS);
      add({ type: 'web-visit', brandId: 'north-lane', propertyId: null, channel: 'web', visibility: 'brand', occurredAt: new Date(now - r.int(1, 120) * DAY_MS).toISOString(),
        payload: { pages: ['/', ...Array.from({ length: r.int(0, 4) }, () => r.pick(PAGES))], ...(campaign ? { campaign } : {}) } });
      counters.webVisits++;
    }
  }

  // Most touchpoints name the guest by id; a share arrive by identifier, as a PMS or POS would send them.
  return items.map((item, k) => {
    const byIdentifier = r.chance(0.2);
    const identifiers = member && item.brandId === 'aurora-hotels' && k % 2 ? [{ type: 'member', value: member }] : [{ type: 'email', value: email }];
    return { ...item, ...(byIdentifier ? { identifiers } : {}), _byIdentifier: byIdentifier };
  });
}

// ---------------------------------------------------------------------------------------------------
// service-tickets: the tenant's ticket settings, the knowledge base and ~600 tickets

/** The chain's queues (departments) and their staff: user ids are the `sub` of the staff tokens and the assignees. */
const QUEUES = [
  { queueId: 'aurora-front-desk', name: 'Aurora front desk', brandId: 'aurora-hotels', managerId: 'helena.duarte', agents: ['tiago.ramos', 'emily.clarke', 'marcus.hill'] },
  { queueId: 'aurora-guest-relations', name: 'Aurora guest relations', brandId: 'aurora-hotels', managerId: 'claire.whitmore', agents: ['ines.moreira', 'oliver.grant'] },
  { queueId: 'ember-service', name: 'Ember restaurant service', brandId: 'ember-dining', managerId: 'rui.fonseca', agents: ['carla.sousa', 'sam.patel'] },
  { queueId: 'north-lane-care', name: 'North Lane customer care', brandId: 'north-lane', managerId: 'joana.reis', agents: ['pedro.alves', 'lucy.bennett'] },
  { queueId: 'chain-guest-care', name: 'Chain guest care (social, web, unrouted)', managerId: 'ana.marques', agents: ['miguel.tavares', 'grace.okafor'] },
  { queueId: 'chain-billing', name: 'Central billing', managerId: 'paulo.nunes', agents: ['rita.lima'] },
];
const QUEUE = Object.fromEntries(QUEUES.map((q) => [q.queueId, q]));
const DEFAULT_QUEUE = 'chain-guest-care';
/** Systems acting with an integration token: they open tickets from their channel, post guest replies and survey scores. */
const INTEGRATIONS = { email: 'email-gateway', web: 'web-forms', social: 'social-inbox', survey: 'survey-tool' };
/** Every `by` the seed writes as (staff user ids, `integration:<name>`): a re-run counts only their steps. */
const SEED_ACTORS = new Set([...QUEUES.flatMap((q) => [q.managerId, ...q.agents]), ...Object.values(INTEGRATIONS).map((i) => `integration:${i}`)]);

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const hoursOn = (days, ...intervals) => Object.fromEntries(days.map((d) => [d, intervals.map(([start, end]) => ({ start, end }))]));
/** Fixed-date public holidays of this year and the next (movable feasts left out: a demo, not a payroll calendar). */
const YEARS = [new Date(now).getUTCFullYear(), new Date(now).getUTCFullYear() + 1];
const holidaysOf = (monthDays) => YEARS.flatMap((year) => monthDays.map((md) => `${year}-${md}`));
const PT_HOLIDAYS = holidaysOf(['01-01', '04-25', '05-01', '06-10', '08-15', '10-05', '11-01', '12-01', '12-08', '12-25']);
const GB_HOLIDAYS = holidaysOf(['01-01', '12-25', '12-26']);

/**
 * The tenant's ticket settings (PUT /v1/ticket-settings). Calendars are per property: the hotels' front
 * desks answer 24/7, the restaurants in service hours, the store in opening hours; tickets without a
 * property (brand e-mail, web, social) use the default calendar, the guest-relations office in Lisbon.
 */
const TICKET_SETTINGS = {
  queues: QUEUES.map(({ agents: _agents, ...queue }) => queue),
  defaultQueueId: DEFAULT_QUEUE,
  categories: [
    ['general', 'General'], ['reservation', 'Reservation'], ['room', 'Room and housekeeping'], ['billing', 'Billing'],
    ['food-and-beverage', 'Food and beverage'], ['loyalty', 'Loyalty'], ['amenities', 'Amenities and facilities'], ['transport', 'Transport and parking'],
    ['lost-property', 'Lost property'], ['orders-and-delivery', 'Orders and delivery'], ['returns', 'Returns and exchanges'], ['product', 'Product advice and quality'],
  ].map(([code, name]) => ({ code, name })),
  // most specific policy wins per target; between equally specific ones the first listed (urgent before e-mail before kinds)
  slaPolicies: [
    { policyId: 'urgent-complaint', match: { kind: 'complaint', priority: 'urgent' }, firstResponseMinutes: 10, resolutionMinutes: 120, mode: 'business-hours' },
    { policyId: 'high-complaint', match: { kind: 'complaint', priority: 'high' }, firstResponseMinutes: 15, resolutionMinutes: 180, mode: 'business-hours' },
    { policyId: 'urgent', match: { priority: 'urgent' }, firstResponseMinutes: 5, resolutionMinutes: 60, mode: 'business-hours' },
    { policyId: 'email', match: { channel: 'email' }, firstResponseMinutes: 240, mode: 'calendar' },
    { policyId: 'social', match: { channel: 'social' }, firstResponseMinutes: 60, mode: 'calendar' },
    { policyId: 'inquiry', match: { kind: 'inquiry' }, firstResponseMinutes: 10, resolutionMinutes: 8 * 60, mode: 'business-hours' },
    { policyId: 'complaint', match: { kind: 'complaint' }, firstResponseMinutes: 30, resolutionMinutes: 4 * 60, mode: 'business-hours' },
    { policyId: 'request', match: { kind: 'request' }, firstResponseMinutes: 30, resolutionMinutes: 24 * 60, mode: 'business-hours' },
    { policyId: 'default', match: {}, firstResponseMinutes: 60, resolutionMinutes: 3 * 8 * 60, mode: 'business-hours' },
  ],
  defaultCalendar: { timeZone: 'Europe/Lisbon', weeklyHours: { ...hoursOn(WEEKDAYS.slice(0, 5), ['09:00', '18:00']), ...hoursOn(['sat'], ['10:00', '14:00']) }, holidays: PT_HOLIDAYS },
  calendars: [
    ...HOTELS.map((h) => ({ propertyId: h.propertyId, weeklyHours: hoursOn(WEEKDAYS, ['00:00', '24:00']) })),
    { propertyId: 'ember-chiado', weeklyHours: hoursOn(WEEKDAYS.slice(1), ['12:00', '15:00'], ['19:00', '23:30']), holidays: holidaysOf(['01-01', '12-25']) },
    { propertyId: 'ember-soho', weeklyHours: hoursOn(WEEKDAYS, ['12:00', '23:00']), holidays: GB_HOLIDAYS },
    { propertyId: 'north-lane-porto', weeklyHours: { ...hoursOn(WEEKDAYS.slice(0, 6), ['10:00', '20:00']), ...hoursOn(['sun'], ['11:00', '19:00']) }, holidays: PT_HOLIDAYS },
  ],
  reopenWindowHours: 7 * 24,
  escalation: { raisePriority: true, reassignToManager: true },
};

/**
 * What guests write about, per brand and kind: category, subject, description, the resolution (code and
 * summary: no personal details, so one may become a knowledge-base article) and, for complaints, the type.
 * `kb` marks the topic of the ticket an article is drafted from.
 */
const t = (category, subject, description, resolutionCode, summary, extra = {}) => ({ category, subject, description, resolution: { resolutionCode, summary }, ...extra });
const TICKET_TOPICS = {
  'aurora-hotels': {
    inquiry: [
      t('reservation', 'Late check-out on the day of departure', 'Our flight leaves in the evening. Can we keep the room until the afternoon?', 'late-check-out-confirmed',
        'Late check-out until 14:00 is free for Circle Gold and Platinum members and costs 30 (local currency) for other guests, subject to availability on the day. Confirmed and noted on the reservation; after 14:00 only the day-use rate applies.', { kb: true }),
      t('transport', 'Parking at the hotel', 'Is there parking at the hotel, and can I reserve a space for my arrival?', 'information-given', 'Explained the valet parking (reservable, charged per night) and reserved a space for the arrival date.'),
      t('food-and-beverage', 'Breakfast hours and gluten-free options', 'What time is breakfast served, and is there gluten-free bread?', 'information-given', 'Breakfast is served 07:00-10:30 (11:00 at weekends); gluten-free bread and pastries are available on request.'),
      t('transport', 'Airport transfer on arrival', 'Can you arrange a car from the airport when we land?', 'transfer-booked', 'Booked the partner transfer; the driver waits at arrivals with a name sign.'),
      t('loyalty', 'Using points for a free night', 'How many points do I need for a reward night, and can I book it in the app?', 'information-given', 'Explained the points per reward night by hotel and how to book reward nights in the app.'),
      t('billing', 'Invoice with company details', 'I need my invoice re-issued with my company name and VAT number.', 'invoice-reissued', 'Re-issued the invoice with the company details and sent it by e-mail.'),
      t('amenities', 'Bringing a small dog', 'Can we bring our small dog for the weekend?', 'information-given', 'Dogs up to 10 kg are welcome in selected rooms for a cleaning fee; noted on the reservation.'),
    ],
    request: [
      t('room', 'Extra pillows and a blanket', 'Could you bring two extra pillows and a blanket to the room?', 'delivered', 'Housekeeping delivered the pillows and a blanket within 15 minutes.'),
      t('room', 'Cot for the baby', 'We travel with a 10-month-old; please have a cot in the room.', 'delivered', 'Cot and baby bath set up in the room before arrival.'),
      t('room', 'Move to a quieter room', 'Our room faces the street and the traffic is loud. Is a quieter room free?', 'room-moved', 'Moved the guest to a courtyard-side room on a higher floor.'),
      t('reservation', 'Early check-in after a night flight', 'We land at 07:00 after a night flight; can we check in early?', 'early-check-in-arranged', 'Blocked the room from the night before; early check-in from 09:00 confirmed.'),
      t('food-and-beverage', 'Table at Ember tonight', 'Please book a table for two at Ember tonight around 20:00.', 'table-booked', 'Booked a table for two at 20:00 and noted the anniversary.'),
      t('lost-property', 'Charger left in the room', 'I left my laptop charger in the room after check-out.', 'item-returned', 'Housekeeping found the charger; sent to the guest by tracked post.'),
    ],
    complaint: [
      t('room', 'Loud music from the next room until 2am', 'The room next door played loud music until 2am; nobody came when we called.', 'resolved-with-recovery', 'Security spoke to the neighbouring room; the guest was moved to a quiet room for the rest of the stay.', { complaintType: 'noise' }),
      t('room', 'Bathroom not cleaned on arrival', 'Used towels and hair in the shower when we arrived.', 'resolved-with-recovery', 'Room re-cleaned and inspected by the housekeeping supervisor.', { complaintType: 'cleanliness' }),
      t('billing', 'Charged twice for breakfast', 'Breakfast appears twice on the final bill.', 'refunded', 'The duplicate breakfast charge was reversed on the folio and the card refunded.', { complaintType: 'billing' }),
      t('general', 'Front desk was dismissive at check-in', 'The receptionist ignored our request for a late check-in note and was rude.', 'resolved-with-recovery', 'Front office manager apologised and reviewed the check-in with the team.', { complaintType: 'staff' }),
      t('amenities', 'Air conditioning not working', 'The air conditioning blows warm air; the room is too hot to sleep.', 'fixed', 'Engineering replaced the thermostat; the guest confirmed the room cooled down.', { complaintType: 'maintenance' }),
      t('amenities', 'Wi-Fi keeps dropping in the room', 'The Wi-Fi disconnects every few minutes; I need it for work calls.', 'fixed', 'IT restarted the access point on the floor and gave the guest the premium network.', { complaintType: 'amenities' }),
      t('reservation', 'Room type different from the booking', 'We booked a king room and were given two single beds.', 'resolved-with-recovery', 'Moved the guests to a king room the same evening.', { complaintType: 'reservation' }),
    ],
  },
  'ember-dining': {
    inquiry: [
      t('reservation', 'Booking for a group of twelve', 'Can you seat a group of twelve on a Saturday evening, and is there a set menu?', 'information-given',
        'Groups of 8 to 16 are seated at the long table in the back room; set menus from 45 per person, a 20% deposit holds the booking, and the final number is confirmed 48 hours before.', { kb: true }),
      t('food-and-beverage', 'Gluten-free menu', 'Do you have a gluten-free menu?', 'information-given', 'Sent the allergen matrix; most mains can be prepared gluten-free.'),
      t('general', 'Gift vouchers', 'Do you sell gift vouchers, and can they be used at every Ember?', 'information-given', 'Vouchers are sold online and valid at every Ember for 12 months.'),
      t('general', 'Opening hours on public holidays', 'Are you open on public holidays?', 'information-given', 'Open on public holidays except 25 December and 1 January.'),
    ],
    request: [
      t('food-and-beverage', 'Birthday cake for our table', 'Could you bring a small cake with a candle for a birthday at our table?', 'arranged', 'Pastry kitchen prepared a small cake; noted on the booking.'),
      t('reservation', 'High chair and a terrace table', 'We will have a toddler with us; a high chair and a terrace table, please.', 'arranged', 'High chair and terrace table noted on the booking.'),
      t('food-and-beverage', 'Nut allergy on our booking', 'One of us has a severe nut allergy; please note it on the booking.', 'arranged', 'Allergy flagged on the booking and briefed to the kitchen.'),
      t('reservation', 'Move our booking to 21:00', 'Could we move tonight\'s booking from 19:30 to 21:00?', 'booking-changed', 'Booking moved to 21:00.'),
    ],
    complaint: [
      t('food-and-beverage', 'Steak served cold after a long wait', 'We waited 50 minutes for our mains and the steak was cold.', 'resolved-with-recovery', 'Kitchen reviewed the ticket times; the manager apologised and offered a return visit.', { complaintType: 'food' }),
      t('billing', 'Wrong bill at the end of dinner', 'We were charged for a bottle of wine we never ordered.', 'refunded', 'The wine was removed from the bill and the difference refunded.', { complaintType: 'billing' }),
      t('general', 'Waiter was rude to our group', 'Our waiter rolled his eyes and was rude when we asked to split the bill.', 'resolved-with-recovery', 'Restaurant manager apologised and spoke to the waiter.', { complaintType: 'staff' }),
      t('reservation', 'Our booking was lost', 'We arrived for our booking and there was no table for us.', 'resolved-with-recovery', 'Found the booking in the wrong day; seated the guests at the bar and covered drinks.', { complaintType: 'reservation' }),
      t('food-and-beverage', 'Hair in the salad', 'There was a hair in my salad.', 'resolved-with-recovery', 'Dish replaced and removed from the bill; kitchen hygiene check logged.', { complaintType: 'cleanliness' }),
    ],
  },
  'north-lane': {
    inquiry: [
      t('returns', 'How to return an online order', 'How do I return a jacket I bought online, and is it free?', 'information-given',
        'Online orders can be returned within 30 days: free in the Porto store, or by post with the prepaid label from the order page. Refunds go back to the original payment method within 5 working days of the parcel arriving.', { kb: true }),
      t('product', 'Size advice for the rain jacket', 'I am usually a medium; does the rain jacket run small?', 'information-given', 'The rain jacket fits true to size; recommended medium.'),
      t('product', 'Is it in stock in the Porto store?', 'Do you have the hiking boots in size 42 in Porto?', 'information-given', 'Two pairs in stock; one held at the till for 48 hours.'),
      t('orders-and-delivery', 'Delivery times to Spain', 'How long does delivery to Madrid take?', 'information-given', 'Standard delivery to Spain takes 3-5 working days.'),
    ],
    request: [
      t('returns', 'Exchange boots for another size', 'The boots are too small; I would like size 43 instead.', 'exchanged', 'Exchange sent; return label e-mailed.'),
      t('product', 'Zip repair on a jacket', 'The zip of my jacket is stuck; can you repair it?', 'repair-booked', 'Repair booked with the partner workshop, back in 10 days.'),
      t('orders-and-delivery', 'Change the delivery address', 'Please deliver my order to my office instead.', 'address-changed', 'Delivery address changed before dispatch.'),
    ],
    complaint: [
      t('product', 'Jacket zip broke after two weeks', 'The main zip of my new jacket broke after two weeks.', 'resolved-with-recovery', 'Replaced the jacket under warranty.', { complaintType: 'product-quality' }),
      t('orders-and-delivery', 'Parcel arrived a week late', 'My order arrived a week after the promised date.', 'resolved-with-recovery', 'Carrier delay confirmed; shipping refunded.', { complaintType: 'delivery' }),
      t('billing', 'Refund not received', 'I returned an order three weeks ago and have not been refunded.', 'refunded', 'The refund had stalled at the payment provider; re-issued.', { complaintType: 'billing' }),
      t('orders-and-delivery', 'Wrong item in the parcel', 'I ordered a merino sweater and received a T-shirt.', 'resolved-with-recovery', 'Correct item sent by express; return label for the wrong one.', { complaintType: 'delivery' }),
    ],
  },
};
const STAFF_REPLIES = {
  inquiry: ['Thanks for getting in touch. Here is what you asked about; let me know if anything is unclear.', 'Good question! I have checked and replied below.'],
  request: ['Thank you, we are on it and will confirm shortly.', 'Noted. The team is taking care of it now.'],
  complaint: ['I am very sorry about this. I am looking into it personally and will update you today.', 'Thank you for telling us, and please accept our apologies. I am on it.'],
};
const ASK_GUEST = ['Could you send us the booking or order reference?', 'Could you tell us which dates you mean?', 'Could you send a photo so we can check with the team?'];
const GUEST_REPLIES = ['Here is the reference you asked for.', 'Thanks, the dates are the ones on my booking.', 'Photo attached to my e-mail, thank you.'];
const INTERNAL_NOTES = ['Checked the reservation and the folio history.', 'Spoke to the duty manager about it.', 'Asked housekeeping / engineering to check and report back.', 'Guest is a repeat visitor; handle with care.'];
const RECOVERY_NOTES = {
  apology: 'Manager called the guest to apologise',
  refund: 'Refunded the amount in question',
  upgrade: 'Upgraded to a junior suite for the rest of the stay',
  voucher: 'Voucher for a return visit',
  points: 'Goodwill points added to the Circle account',
};
const SATISFACTION_COMMENTS = ['Quick and friendly, thank you', 'Sorted out in the end', 'Took too long to get an answer', 'Excellent service recovery', 'Still not happy about it'];

/** Every event type one seed step records (exactly one per step); automatic SLA escalations are by the service and do not count. */
const STEP_EVENT_TYPES = new Set(['TicketAssigned', 'TicketReferred', 'TicketWorkStarted', 'TicketWaitingOnGuest', 'TicketResolved', 'TicketClosed', 'TicketReopened', 'TicketCommented', 'AttachmentAdded', 'RecoveryGiven', 'SatisfactionRecorded', 'ComplaintRecorded']);
/** Ticket 3 is the resolved inquiry the knowledge-base article is drafted from; every 200th (from 7) is reopened; every 100th (from 42) delegated. */
const KB_SOURCE_TICKET = 3;


/**
 * Ticket `n`: deterministic from (SEED_SEED, n). Its guest is one of the seeded guests (by id, or by the
 * e-mail the gateway received), its brand one of the guest's, received up to 29.5 days ago (the service
 * accepts `receivedAt` up to 30 days back), and a plan of steps (HTTP verbs in order, each by the staff
 * member or system that would do it) ending in its status of today.
 */
function makeTicket(n, guests) {
  const r = prng(hash(`${SEED}:ticket:${n}`));
  const g = guests[r.int(0, guests.length - 1)];
  const kbSource = n === KB_SOURCE_TICKET;
  const delegation = n % 100 === 42;
  const reopen = n % 200 === 7;
  const brandId = r.pick(g.brands);
  const topics = TICKET_TOPICS[brandId];
  let kind = delegation ? 'request' : r.weighted([{ v: 'inquiry', weight: 40 }, { v: 'request', weight: 33 }, { v: 'complaint', weight: 27 }]).v;
  let topic = r.pick(topics[kind]);
  if (kbSource) [kind, topic] = ['inquiry', topics.inquiry.find((x) => x.kb)];
  const properties = PROPERTIES.filter((p) => p.brandId === brandId);
  const property = r.chance(brandId === 'north-lane' ? 0.55 : 0.85) ? r.pick(properties) : undefined;
  const channel = delegation
    ? 'email'
    : r.weighted([{ v: 'phone', weight: 24 }, { v: 'email', weight: 26 }, { v: 'chat', weight: 14 }, { v: 'web', weight: 16 }, { v: 'social', weight: 6 }, ...(property ? [{ v: 'walk-in', weight: 14 }] : [])]).v;
  const priority = delegation
    ? 'normal'
    : kind === 'complaint'
      ? r.weighted([{ v: 'low', weight: 5 }, { v: 'normal', weight: 45 }, { v: 'high', weight: 40 }, { v: 'urgent', weight: 10 }]).v
      : r.weighted([{ v: 'low', weight: 20 }, { v: 'normal', weight: 65 }, { v: 'high', weight: 12 }, { v: 'urgent', weight: 3 }]).v;
  const severity = priority === 'urgent' ? r.pick(['high', 'critical']) : r.weighted([{ v: 'low', weight: 3 }, { v: 'medium', weight: 5 }, { v: 'high', weight: 2 }]).v;
  const queueId =
    channel === 'social' && r.chance(0.7) ? undefined // the social inbox files into the default queue
      : brandId === 'aurora-hotels' ? (property && ['walk-in', 'phone', 'chat'].includes(channel) ? 'aurora-front-desk' : 'aurora-guest-relations')
        : brandId === 'ember-dining' ? 'ember-service' : 'north-lane-care';
  const queue = QUEUE[queueId ?? DEFAULT_QUEUE];
  // a delegated ticket is fresh (received 10-50 minutes ago by e-mail): no SLA target is due yet, so no
  // automatic escalation can move it to the manager before its agent hands it over
  const ageMinutes = delegation ? r.int(10, 50) : r.chance(0.12) ? r.int(5, 24 * 60) : r.int(24 * 60, 29 * 24 * 60 + 12 * 60);
  const activeShare = ageMinutes < 120 ? 0.6 : ageMinutes < 24 * 60 ? 0.35 : ageMinutes < 3 * 24 * 60 ? 0.1 : 0.03;
  let outcome;
  if (kbSource || reopen) outcome = 'closed';
  else if (delegation) outcome = r.chance(0.5) ? 'in-progress' : 'resolved';
  else if (r.chance(activeShare)) outcome = r.weighted([{ v: 'open', weight: 30 }, { v: 'assigned', weight: 20 }, { v: 'in-progress', weight: 30 }, { v: 'waiting-on-guest', weight: 20 }]).v;
  else outcome = r.chance(ageMinutes < 24 * 60 ? 0.35 : ageMinutes < 3 * 24 * 60 ? 0.6 : 0.92) ? 'closed' : 'resolved';

  const agent = r.pick(queue.agents);
  const live = ['phone', 'walk-in', 'chat'].includes(channel); // the agent on the call / at the desk / in the chat opens and takes it
  const opener = live ? agent : `integration:${channel === 'email' ? INTEGRATIONS.email : channel === 'web' ? INTEGRATIONS.web : INTEGRATIONS.social}`;
  const byIdentifier = channel === 'email' || (channel === 'web' && r.chance(0.5));
  const open = {
    actor: opener,
    byIdentifier,
    body: {
      brandId,
      ...(property ? { propertyId: property.propertyId } : {}),
      ...(byIdentifier ? { identifiers: [{ type: 'email', value: g.email }] } : {}),
      kind,
      channel,
      priority,
      ...(queueId ? { queueId } : {}),
      category: topic.category,
      subject: topic.subject,
      description: topic.description,
      ...(live ? { assigneeId: agent } : {}),
      ...(kind === 'complaint' ? { complaint: { complaintType: topic.complaintType, severity } } : {}),
      receivedAt: new Date(now - ageMinutes * 60_000).toISOString(),
    },
  };
  const plan = { n, key: `seed-${TENANT}-ticket-${n}`, guest: g, open, steps: [], kind, channel, priority, brandId, queueId: queue.queueId, outcome, flags: [], recoveries: [] };
  const openEvents = (live ? 1 : 0) + (kind === 'complaint' ? 1 : 0); // TicketAssigned, ComplaintRecorded recorded with the opening
  plan.openEvents = openEvents;
  let k = 0;
  const step = (actor, verb, body) => plan.steps.push({ actor, verb, ...(body !== undefined ? { body } : {}) });
  const comment = (actor, visibility, author, body) => step(actor, 'comments', { commentId: `seed-c${n}-${k++}`, visibility, author, body });
  if (outcome === 'open') return plan; // untouched: the SLA timers escalate it when it falls overdue
  if (!live) step(agent, 'assign', { assigneeId: agent });
  if (outcome === 'assigned') return plan;
  step(agent, 'start');
  let worker = agent;
  const referral = !kbSource && !reopen && !delegation && r.chance(0.045);
  if (referral) {
    const toQueueId = topic.category === 'billing' ? 'chain-billing' : queue.queueId === 'aurora-front-desk' ? 'aurora-guest-relations' : queue.queueId === DEFAULT_QUEUE ? 'chain-billing' : DEFAULT_QUEUE;
    comment(agent, 'internal', 'staff', `Needs ${QUEUE[toQueueId].name}; referring.`);
    step(agent, 'refer', { toQueueId, note: 'Handing over with the details above.' });
    worker = r.pick(QUEUE[toQueueId].agents);
    step(worker, 'assign', { assigneeId: worker });
    step(worker, 'start');
    plan.flags.push('referred');
  }
  const quick = live && kind === 'inquiry' && r.chance(0.35) && !delegation && !reopen; // answered on the spot: the resolution is the first response
  if (!quick) comment(worker, 'public', 'staff', r.pick(STAFF_REPLIES[kind]));
  if (delegation) {
    const other = queue.agents.find((a) => a !== agent);
    step(agent, 'delegate', { toAssigneeId: other });
    worker = other;
    plan.flags.push('delegated');
  }
  if (r.chance(0.3)) comment(worker, 'internal', 'staff', r.pick(INTERNAL_NOTES));
  if (kind === 'complaint' && !live && r.chance(0.3)) {
    step(worker, 'attachments', { attachmentId: `seed-a${n}`, url: `https://files.demo-chain.example/tickets/seed-${n}/photo-1.jpg`, fileName: 'photo-1.jpg', mediaType: 'image/jpeg', sizeBytes: r.int(150_000, 2_500_000) });
  }
  const waits = outcome === 'waiting-on-guest' || (!quick && r.chance(0.15));
  if (waits) {
    comment(worker, 'public', 'staff', r.pick(ASK_GUEST));
    step(worker, 'wait-on-guest');
    plan.flags.push('waited');
    if (outcome === 'waiting-on-guest') return plan;
    comment(`integration:${INTEGRATIONS.email}`, 'public', 'guest', r.pick(GUEST_REPLIES));
  }
  if (kind === 'complaint') {
    const currency = property?.currency ?? 'EUR';
    const actions = topic.complaintType === 'billing'
      ? ['apology', 'refund']
      : r.weighted([
        { v: ['apology'], weight: 3 }, { v: ['apology', 'voucher'], weight: 3 }, { v: ['apology', 'refund'], weight: 1.5 },
        { v: brandId === 'aurora-hotels' ? ['upgrade'] : ['voucher'], weight: 1.5 }, { v: ['apology', 'points'], weight: 1.5 }, { v: [], weight: 1 },
      ]).v;
    for (const action of outcome === 'in-progress' ? actions.slice(0, 1) : actions) {
      const value = action === 'voucher' ? { currency, minor: r.int(2, 10) * 1_000 } : action === 'refund' ? { currency, minor: r.int(15, 250) * 100 } : undefined;
      step(action === 'apology' ? queue.managerId : worker, 'recoveries', {
        recoveryId: `seed-r${n}-${k++}`,
        action,
        ...(value ? { value } : {}),
        ...(action === 'points' ? { points: r.int(5, 40) * 100 } : {}),
        note: RECOVERY_NOTES[action],
      });
      plan.recoveries.push({ action, value });
    }
  }
  if (outcome === 'in-progress') return plan;
  step(worker, 'resolve', topic.resolution);
  if (reopen) {
    comment(`integration:${INTEGRATIONS.email}`, 'public', 'guest', 'Sorry, the problem is back since this morning.');
    step(worker, 'reopen', { reason: 'The guest wrote back: the problem came back.' });
    step(worker, 'start');
    comment(worker, 'public', 'staff', 'Sorry to hear that. We are fixing it properly this time.');
    step(worker, 'resolve', topic.resolution);
    plan.flags.push('reopened');
  }
  if (r.chance(kind === 'complaint' ? 0.65 : 0.5)) {
    const score = kind === 'complaint'
      ? r.weighted([{ v: 5, weight: 25 }, { v: 4, weight: 30 }, { v: 3, weight: 20 }, { v: 2, weight: 15 }, { v: 1, weight: 10 }]).v
      : r.weighted([{ v: 5, weight: 45 }, { v: 4, weight: 30 }, { v: 3, weight: 12 }, { v: 2, weight: 8 }, { v: 1, weight: 5 }]).v;
    step(`integration:${INTEGRATIONS.survey}`, 'satisfaction', { score, surveyId: `seed-survey-${n}`, ...(r.chance(0.4) ? { comment: r.pick(SATISFACTION_COMMENTS) } : {}) });
    plan.flags.push('surveyed');
  }
  if (outcome === 'closed') step(worker, 'close');
  return plan;
}

/** The knowledge base: FAQ (public) and staff (internal) articles, chain-wide (brandId null) or of one brand. */
const KB_ARTICLES = [
  { slug: 'late-check-out', brandId: 'aurora-hotels', visibility: 'public', tags: ['reservation', 'check-out'], title: 'Late check-out: how to ask and what it costs',
    body: 'Ask the front desk or in the app up to the evening before departure. Late check-out until 14:00 is free for Circle Gold and Platinum members and costs 30 in the local currency for other guests, subject to availability. After 14:00 the day-use rate applies.' },
  { slug: 'breakfast', brandId: 'aurora-hotels', visibility: 'public', tags: ['food-and-beverage', 'breakfast'], title: 'Breakfast hours and dietary options',
    body: 'Breakfast is served from 07:00 to 10:30 on weekdays and until 11:00 at weekends. Gluten-free, lactose-free and vegan options are available on request; tell the team about allergies when you sit down.' },
  { slug: 'parking', brandId: 'aurora-hotels', visibility: 'public', tags: ['transport', 'parking'], title: 'Parking and valet service',
    body: 'Every Aurora hotel offers valet parking, charged per night. Spaces can be reserved ahead from the booking page or by e-mail; electric-vehicle charging is available in Lisbon and London.' },
  { slug: 'estacionamento-lisboa', brandId: 'aurora-hotels', visibility: 'public', language: 'pt', tags: ['transport', 'parking'], title: 'Estacionamento no Aurora Lisboa Avenida',
    body: 'O hotel tem serviço de valet com estacionamento coberto, cobrado por noite. Pode reservar o lugar com antecedência; há carregadores para veículos elétricos.' },
  { slug: 'points', brandId: null, visibility: 'public', tags: ['loyalty', 'points'], title: 'Earning and using Circle points',
    body: 'Circle members earn points on stays, dinners at Ember and purchases at North Lane. Points can pay for reward nights, dinners and vouchers; reward nights are booked in the app. Points expire after 24 months without activity.' },
  { slug: 'gift-vouchers', brandId: null, visibility: 'public', tags: ['general', 'vouchers'], title: 'Gift vouchers',
    body: 'Gift vouchers are sold online in any amount and are valid for 12 months at every hotel, restaurant and store of the group. They cannot be exchanged for cash.' },
  { slug: 'group-bookings', brandId: 'ember-dining', visibility: 'public', tags: ['reservation', 'groups'], title: 'Group bookings at Ember',
    body: 'Groups of 8 to 16 are seated at the long table; set menus start at 45 per person and a deposit holds the booking. Larger parties can book the whole back room.' },
  { slug: 'allergens', brandId: 'ember-dining', visibility: 'public', tags: ['food-and-beverage', 'allergens'], title: 'Allergens and dietary requirements',
    body: 'Our allergen matrix lists the 14 major allergens for every dish. Most mains can be prepared gluten-free; tell your server about any allergy before ordering.' },
  { slug: 'returns', brandId: 'north-lane', visibility: 'public', tags: ['returns', 'orders-and-delivery'], title: 'Returns and exchanges',
    body: 'Return anything within 30 days, free in the Porto store or by post with the prepaid label. Exchanges for another size ship as soon as the return is scanned. Refunds take up to 5 working days.' },
  { slug: 'duplicate-charge', brandId: null, visibility: 'internal', tags: ['billing', 'refund'], title: 'Duplicate charge on a bill: how to refund',
    body: 'Check the folio or POS history for the duplicate, reverse it in the property system, then refund the card from the payment terminal (never in cash). Add the refund as a recovery on the ticket so it counts in the reports.' },
  { slug: 'recovery-guidelines', brandId: null, visibility: 'internal', tags: ['complaint', 'recovery'], title: 'Service recovery: what to offer and approval limits',
    body: 'Always apologise first. Agents may give vouchers up to 50 and goodwill points up to 2,000 on their own; refunds and upgrades need the duty manager. Record every recovery on the ticket with its value.' },
  { slug: 'noise-at-night', brandId: 'aurora-hotels', visibility: 'internal', tags: ['complaint', 'noise'], title: 'Noise complaints at night: checklist',
    body: 'Send security to the source within 10 minutes, call the guest back, and offer a room move if it continues. Log the room numbers on the ticket; repeat offenders go to the duty manager.' },
];

// ---------------------------------------------------------------------------------------------------
// HTTP

let token;
class HttpFailure extends Error {}

async function call(base, method, path, { body, headers = {}, okStatuses = [200, 201], attempts = 6 } = {}) {
  for (let attempt = 1; ; attempt++) {
    let res;
    let text;
    try {
      res = await fetch(base + path, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
      text = await res.text();
    } catch (error) {
      if (attempt >= attempts) throw new HttpFailure(`${method} ${base}${path}: ${error.cause?.code ?? error.message}`);
      await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
      continue;
    }
    const json = text ? safeJson(text) : undefined;
    const retryable = res.status >= 500 || res.status === 429 || (res.status === 409 && json?.code === 'IDEMPOTENCY_REQUEST_IN_PROGRESS');
    if (retryable && attempt < attempts) {
      await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
      continue;
    }
    return { status: res.status, headers: res.headers, body: json, ok: okStatuses.includes(res.status), text };
  }
}
function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
function describe(res) {
  return `${res.status} ${res.body?.code ?? ''} ${res.body?.detail ?? res.text?.slice(0, 300) ?? ''}`.trim();
}

/** Runs `work(item)` over items with at most `limit` in flight; returns the results in order. */
async function pool(items, limit, work) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const k = next++;
      results[k] = await work(items[k], k);
    }
  }));
  return results;
}

async function ensureRunning(name, base) {
  try {
    const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(3_000) });
    if (res.status === 200) return;
    throw new Error(`${base}/readyz answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  } catch (error) {
    const reason = error.cause?.code ?? error.message;
    console.error(`${name} is not running or not ready at ${base} (${reason}).`);
    console.error('Start Hearth first with `npm start` in another terminal (or set CUSTOMER_PROFILE_URL / TIMELINE_URL / TICKETS_URL; SEED_TICKETS=0 leaves service-tickets out), then run `npm run seed` again.');
    process.exit(1);
  }
}

/** `{ a: 2, b: 1 }` of the values `key` gives, as "a 2, b 1" (most first). */
function countBy(items, key) {
  const counts = new Map();
  for (const item of items) for (const k of [key(item)].flat()) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
}
/** JSON with object keys sorted, to compare the settings the service answers with the seed's. */
const canonical = (value) => JSON.stringify(value, (_key, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v));

/** The bearer token of a seed actor: a staff member (agent or manager of their queue's brand) or a system (integration, chain-wide). */
const actorTokens = new Map();
function authAs(actor) {
  if (!actorTokens.has(actor)) {
    const integration = actor.startsWith('integration:');
    const sub = integration ? actor.slice('integration:'.length) : actor;
    const queue = QUEUES.find((q) => q.managerId === sub || q.agents.includes(sub));
    const roles = integration ? 'integration' : queue.managerId === sub ? 'manager' : 'agent';
    const brands = integration || !queue.brandId ? '*' : queue.brandId;
    const { runTokenCli } = require(join(root, 'libs/http/dist/token-cli.js'));
    actorTokens.set(actor, runTokenCli(['--tenant', TENANT, '--roles', roles, '--brands', brands, '--sub', sub, '--ttl', '2h'], process.env).then((t) => `Bearer ${t}`));
  }
  return actorTokens.get(actor);
}
/** Who writes the knowledge base: chain-wide articles need a chain-wide token. */
const KB_EDITOR = 'ana.marques';

/** Saves the ticket settings when the tenant has none or different ones; returns what happened. */
async function seedTicketSettings() {
  const current = await call(TICKETS_URL, 'GET', '/v1/ticket-settings');
  if (!current.ok) throw new HttpFailure(`GET /v1/ticket-settings: ${describe(current)}`);
  if (current.body.configured && canonical(current.body.settings) === canonical(TICKET_SETTINGS)) return 'unchanged';
  const res = await call(TICKETS_URL, 'PUT', '/v1/ticket-settings', { body: TICKET_SETTINGS, headers: current.body.configured ? { 'if-match': current.headers.get('etag') } : {} });
  if (!res.ok) throw new HttpFailure(`PUT /v1/ticket-settings: ${describe(res)}`);
  return current.body.configured ? 'updated (they differed)' : 'saved';
}

/** Titles of the tenant's published articles (every page of the staff search). */
async function articleTitles() {
  const titles = new Set();
  let cursor;
  do {
    const res = await call(TICKETS_URL, 'GET', `/v1/kb/search?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (!res.ok) throw new HttpFailure(`GET /v1/kb/search: ${describe(res)}`);
    for (const item of res.body.items) titles.add(item.title);
    cursor = res.body.nextCursor;
  } while (cursor);
  return titles;
}

/**
 * Opens each planned ticket that does not exist yet (its id derives from its Idempotency-Key, so a
 * re-run finds it), then runs the steps of its plan it has not had yet: a re-run counts the step events
 * the seed's actors recorded on the ticket (SLA escalations are the service's and do not count).
 */
async function seedTickets(plans) {
  const { ticketIdForKey } = require(join(root, 'services/service-tickets/dist/app/ids.js'));
  const tally = { created: 0, existing: 0, steps: 0, requests: 0, resolution: {}, status: {}, failed: [] };
  await pool(plans, CONCURRENCY, async (plan) => {
    const g = plan.guest;
    if (!g.guestId) return void tally.failed.push(`ticket ${plan.n}: its guest ${g.i} is not registered`);
    plan.ticketId = ticketIdForKey(TENANT, plan.key);
    let ticket;
    let done;
    const current = await call(TICKETS_URL, 'GET', `/v1/tickets/${plan.ticketId}`, { okStatuses: [200] });
    tally.requests++;
    if (current.status === 200) {
      ticket = current.body;
      done = ticket.history.filter((h) => SEED_ACTORS.has(h.by) && STEP_EVENT_TYPES.has(h.type)).length - plan.openEvents;
      tally.existing++;
    } else if (current.status === 404) {
      const body = plan.open.byIdentifier ? plan.open.body : { guestId: g.guestId, ...plan.open.body };
      const res = await call(TICKETS_URL, 'POST', '/v1/tickets', { body, headers: { authorization: await authAs(plan.open.actor), 'idempotency-key': plan.key }, okStatuses: [201] });
      tally.requests++;
      if (!res.ok) return void tally.failed.push(`ticket ${plan.n} open: ${describe(res)}`);
      ticket = res.body.ticket;
      done = 0;
      tally.created++;
      tally.resolution[res.body.guestResolution] = (tally.resolution[res.body.guestResolution] ?? 0) + 1;
    } else {
      return void tally.failed.push(`ticket ${plan.n} GET: ${describe(current)}`);
    }
    for (const s of plan.steps.slice(Math.max(0, done))) {
      const res = await call(TICKETS_URL, 'POST', `/v1/tickets/${plan.ticketId}/${s.verb}`, { body: s.body, headers: { authorization: await authAs(s.actor) } });
      tally.requests++;
      if (!res.ok) {
        tally.failed.push(`ticket ${plan.n} ${s.verb} by ${s.actor}: ${describe(res)}`);
        break;
      }
      ticket = res.body.ticket;
      tally.steps++;
    }
    plan.status = ticket.status;
    tally.status[ticket.status] = (tally.status[ticket.status] ?? 0) + 1;
  });
  return tally;
}

/** Ticket settings, the knowledge base and the tickets; returns the number of failures. */
async function seedServiceTickets(guests) {
  const started = performance.now();
  const settings = await seedTicketSettings();
  console.log(`  ticket settings ${settings}: ${TICKET_SETTINGS.queues.length} queues, ${TICKET_SETTINGS.categories.length} categories, ${TICKET_SETTINGS.slaPolicies.length} SLA policies, ${TICKET_SETTINGS.calendars.length} property calendars + office hours, reopen window ${TICKET_SETTINGS.reopenWindowHours} h`);

  const failed = [];
  const titles = await articleTitles();
  let articlesCreated = 0;
  for (const { slug, ...article } of KB_ARTICLES) {
    if (titles.has(article.title)) continue;
    const res = await call(TICKETS_URL, 'POST', '/v1/kb/articles', { body: article, headers: { authorization: await authAs(KB_EDITOR), 'idempotency-key': `seed-${TENANT}-kb-${slug}` } });
    if (res.ok) articlesCreated++;
    else failed.push(`article ${slug}: ${describe(res)}`);
  }

  const plans = Array.from({ length: TICKETS }, (_, n) => makeTicket(n, guests));
  const ticketsStarted = performance.now();
  const tally = await seedTickets(plans);
  const seconds = (performance.now() - ticketsStarted) / 1000;
  failed.push(...tally.failed);

  // one internal article drafted from a resolved ticket (title and body pre-filled from the ticket)
  const source = plans.find((p) => p.n === KB_SOURCE_TICKET);
  let fromTicket = 'none planned';
  if (source?.ticketId && (source.status === 'resolved' || source.status === 'closed')) {
    if (titles.has(source.open.body.subject)) fromTicket = 'already there';
    else {
      const res = await call(TICKETS_URL, 'POST', '/v1/kb/articles:from-ticket', { body: { ticketId: source.ticketId }, headers: { authorization: await authAs(KB_EDITOR), 'idempotency-key': `seed-${TENANT}-kb-from-ticket-${KB_SOURCE_TICKET}` } });
      if (res.ok) {
        fromTicket = `new: ${res.body.articleId}`;
        articlesCreated++;
      } else {
        failed.push(`article from ticket ${source.ticketId}: ${describe(res)}`);
      }
    }
  }
  console.log(`  kb articles ${KB_ARTICLES.length + 1}: ${countBy(KB_ARTICLES, (a) => a.visibility)} (${countBy(KB_ARTICLES, (a) => a.brandId ?? 'chain-wide')}) + 1 internal draft from ticket ${source?.ticketId ?? '-'} (${fromTicket}); ${articlesCreated} new`);

  console.log(`  tickets     ${plans.length} (${tally.created} new, ${tally.existing} already there) over the last 29.5 days, guests named by ${countBy(plans, (p) => (p.open.byIdentifier ? 'e-mail' : 'id'))}${tally.created ? ` (resolved: ${Object.entries(tally.resolution).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}`);
  console.log(`              kinds: ${countBy(plans, (p) => p.kind)}; channels: ${countBy(plans, (p) => p.channel)}; priorities: ${countBy(plans, (p) => p.priority)}`);
  console.log(`              queues: ${countBy(plans, (p) => p.queueId)}`);
  console.log(`              status now: ${countBy(plans.filter((p) => p.status), (p) => p.status)} (planned: ${countBy(plans, (p) => p.outcome)})`);
  console.log(`              ${countBy(plans, (p) => p.flags)}; recoveries ${countBy(plans, (p) => p.recoveries.map((x) => x.action))}`);
  console.log(`              ${tally.steps} steps, ${tally.requests} service-tickets requests in ${seconds.toFixed(1)} s (${Math.round(tally.requests / seconds)}/s, ${CONCURRENCY} tickets in flight)`);
  if (failed.length) console.error(`  ${failed.length} service-tickets writes failed, e.g.:\n    ${failed.slice(0, 8).join('\n    ')}`);

  // what reporting shows right after (SLA breaches and escalations keep coming as the timers fire)
  const metrics = await call(TICKETS_URL, 'GET', `/v1/tickets/metrics?from=${addDays(localDate('UTC'), -30)}`);
  if (metrics.ok) {
    const m = metrics.body;
    const pct = (x) => (x === null ? '-' : `${x}%`);
    const mins = (x) => (x === null ? '-' : x < 120 ? `${Math.round(x)} min` : `${(x / 60).toFixed(1)} h`);
    console.log(`  metrics     (GET /v1/tickets/metrics, last 30 days, right now) backlog ${m.backlog.total} (${m.backlog.overdue} overdue), opened ${m.opened.total}, resolved ${m.resolved}, reopened ${m.reopened},`);
    console.log(`              first response p50 ${mins(m.firstResponse.p50Minutes)}, resolution p50 ${mins(m.resolution.p50Minutes)}, SLA compliance ${pct(m.sla.overall.compliancePercent)} (${m.sla.overall.met} met, ${m.sla.overall.breached} breached),`);
    console.log(`              first-contact resolution ${pct(m.firstContactResolution.percent)}, complaints ${m.complaints.total}, recoveries ${m.recovery.count} (${m.recovery.value.map((v) => `${v.currency} ${(v.minor / 100).toFixed(2)}`).join(', ') || 'no value'}, ${m.recovery.points} points), satisfaction ${m.satisfaction.average ?? '-'} from ${m.satisfaction.responses}`);
    console.log('              (the reporting projections follow within moments; SLA breaches and escalations of overdue tickets come as their timers fire)');
  } else {
    console.error(`  metrics     GET /v1/tickets/metrics: ${describe(metrics)}`);
  }
  console.log(`              service-tickets part in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return failed.length;
}

/** `--dry-run`: the ticket plan, checked against service-tickets' own request schemas when it is built. */
function dryRunTickets(guests) {
  const plans = Array.from({ length: TICKETS }, (_, n) => makeTicket(n, guests));
  console.log(`  ticket settings: queues ${TICKET_SETTINGS.queues.map((q) => `${q.queueId}${q.brandId ? ` [${q.brandId}]` : ''} (manager ${q.managerId})`).join(', ')}`);
  console.log(`    ${TICKET_SETTINGS.categories.length} categories; SLA policies ${TICKET_SETTINGS.slaPolicies.map((p) => `${p.policyId} ${p.firstResponseMinutes ?? '-'}/${p.resolutionMinutes ?? '-'} min ${p.mode}`).join(', ')}`);
  console.log(`    calendars: ${TICKET_SETTINGS.calendars.map((c) => c.propertyId).join(', ')} + default (guest-relations office, ${TICKET_SETTINGS.defaultCalendar.timeZone}); reopen window ${TICKET_SETTINGS.reopenWindowHours} h`);
  console.log(`  kb articles ${KB_ARTICLES.length} + 1 drafted from ticket ${KB_SOURCE_TICKET}: ${countBy(KB_ARTICLES, (a) => a.visibility)}; ${countBy(KB_ARTICLES, (a) => a.brandId ?? 'chain-wide')}`);
  console.log(`  tickets ${plans.length} over the last 29.5 days; guests named by ${countBy(plans, (p) => (p.open.byIdentifier ? 'e-mail' : 'id'))}`);
  console.log(`    kinds: ${countBy(plans, (p) => p.kind)}; channels: ${countBy(plans, (p) => p.channel)}; priorities: ${countBy(plans, (p) => p.priority)}`);
  console.log(`    brands: ${countBy(plans, (p) => p.brandId)}; queues: ${countBy(plans, (p) => p.queueId)}`);
  console.log(`    status at the end: ${countBy(plans, (p) => p.outcome)}`);
  console.log(`    ${countBy(plans, (p) => p.flags)}; recoveries ${countBy(plans, (p) => p.recoveries.map((x) => x.action))}`);
  console.log(`    ${plans.reduce((s, p) => s + 1 + p.steps.length, 0)} writes: ${countBy(plans, (p) => p.steps.map((s) => s.verb))}`);
  const sample = plans[KB_SOURCE_TICKET];
  if (sample) console.log(`    e.g. ticket ${sample.n} (${sample.kind}, ${sample.channel}, ${sample.queueId}, received ${sample.open.body.receivedAt}): open by ${sample.open.actor} → ${sample.steps.map((s) => `${s.verb} (${s.actor})`).join(' → ')}`);
  let schemas;
  try {
    schemas = {
      tickets: require(join(root, 'services/service-tickets/dist/adapters/http/ticket.schemas.js')),
      settings: require(join(root, 'services/service-tickets/dist/adapters/http/settings.routes.js')),
      policy: require(join(root, 'services/service-tickets/dist/domain/settings.policy.js')),
      kb: require(join(root, 'services/service-tickets/dist/adapters/http/kb.schemas.js')),
    };
  } catch {
    return console.log('  (services/service-tickets is not built: the ticket plan was not checked against its schemas)');
  }
  const problems = new Map();
  const note = (what, result) => {
    if (!result.success) for (const issue of result.error.issues) problems.set(`${what} ${issue.path.join('.')}: ${issue.message}`, (problems.get(`${what} ${issue.path.join('.')}: ${issue.message}`) ?? 0) + 1);
  };
  note('settings', schemas.settings.ticketSettingsSchema.safeParse(TICKET_SETTINGS));
  try {
    schemas.policy.validateTicketSettings(TICKET_SETTINGS);
  } catch (error) {
    problems.set(`settings ${error.path ?? ''}: ${error.message}`, 1);
  }
  for (const { slug: _slug, ...article } of KB_ARTICLES) note('article', schemas.kb.createArticleBodySchema.safeParse(article));
  for (const plan of plans) {
    note('open', schemas.tickets.openTicketBodySchema.safeParse(plan.open.byIdentifier ? plan.open.body : { guestId: 'dry-run-guest', ...plan.open.body }));
    for (const s of plan.steps) note(s.verb, schemas.tickets.actionBodies[s.verb].safeParse(s.body));
  }
  console.log(problems.size === 0 ? '  the settings, every article and every ticket write pass service-tickets\' request schemas' : `  schema problems:\n    ${[...problems].map(([k, v]) => `${k} ×${v}`).join('\n    ')}`);
  if (problems.size) process.exitCode = 1;
}

// ---------------------------------------------------------------------------------------------------

function dryRun() {
  const counters = { reservations: 0, upcoming: 0, arrivalsToday: {}, stays: 0, diningVisits: 0, purchases: 0, calls: 0, emails: 0, chats: 0, webVisits: 0, notes: 0, complaints: 0, recoveries: 0, surveys: 0 };
  const guests = Array.from({ length: GUESTS }, (_, i) => makeGuest(i));
  const touchpoints = guests.flatMap((g) => makeTimeline(g, counters));
  const count = (f) => guests.reduce((s, g) => s + f(g), 0);
  console.log(`dry run, tenant ${TENANT}: ${BRANDS.length} brands, ${PROPERTIES.length} properties, ${GUESTS} guests`);
  console.log(`  identities ${count((g) => g.profile.identities.length)}, preferences ${count((g) => g.preferences.length)}, consents ${count((g) => g.consents.length)}`);
  console.log(`  guests per brand: ${BRANDS.map((b) => `${b.brandId} ${count((g) => (g.brands.includes(b.brandId) ? 1 : 0))}`).join(', ')}`);
  console.log(`  touchpoints ${touchpoints.length} (${touchpoints.filter((t) => t._byIdentifier).length} by identifier): ${JSON.stringify(counters)}`);
  checkTouchpoints(touchpoints);
  if (TICKETS > 0) dryRunTickets(guests);
}

/** When the timeline is built, checks every touchpoint against the service's own request schema. */
function checkTouchpoints(touchpoints) {
  let schemas;
  try {
    schemas = require(join(root, 'services/timeline/dist/domain/touchpoint.schemas.js'));
  } catch {
    return console.log('  (services/timeline is not built: touchpoints not checked against its schema)');
  }
  const problems = new Map();
  for (const { _byIdentifier, ...item } of touchpoints) {
    const parsed = schemas.touchpointInputSchema.safeParse(_byIdentifier ? item : { guestId: 'dry-run-guest', ...item });
    if (!parsed.success) for (const issue of parsed.error.issues) problems.set(`${item.type} ${issue.path.join('.')}: ${issue.message}`, (problems.get(`${item.type} ${issue.path.join('.')}: ${issue.message}`) ?? 0) + 1);
  }
  console.log(problems.size === 0 ? '  every touchpoint passes the timeline\'s request schema' : `  schema problems:\n    ${[...problems].map(([k, v]) => `${k} ×${v}`).join('\n    ')}`);
  if (problems.size) process.exitCode = 1;
}

async function main() {
  if (DRY_RUN) return dryRun();
  const started = performance.now();
  await ensureRunning('customer-profile', PROFILE_URL);
  await ensureRunning('timeline', TIMELINE_URL);
  if (TICKETS > 0) await ensureRunning('service-tickets', TICKETS_URL);
  // The same code as `npm run token` (libs/http): JWT_SECRET or the development secret, like the services.
  const { runTokenCli } = require(join(root, 'libs/http/dist/token-cli.js'));
  token = await runTokenCli(['--tenant', TENANT, '--roles', 'admin,agent,steward,integration', '--brands', '*', '--sub', 'seed', '--ttl', '2h'], process.env);
  console.log(`Seeding tenant ${TENANT}: ${GUESTS} guests${TICKETS > 0 ? `, ${TICKETS} tickets` : ''} (seed "${SEED}") into ${PROFILE_URL}, ${TIMELINE_URL}${TICKETS > 0 ? ` and ${TICKETS_URL}` : ''}`);

  // Brands and properties (created when missing; an existing one with other values is reported, not changed).
  const existingBrands = await call(PROFILE_URL, 'GET', '/v1/brands');
  if (!existingBrands.ok) throw new HttpFailure(`GET /v1/brands: ${describe(existingBrands)}`);
  const brandIds = new Set(existingBrands.body.items.map((b) => b.brandId));
  let brandsCreated = 0;
  for (const brand of BRANDS) {
    if (brandIds.has(brand.brandId)) continue;
    const res = await call(PROFILE_URL, 'POST', '/v1/brands', { body: brand, headers: { 'idempotency-key': `seed-brand-${brand.brandId}` } });
    if (!res.ok) throw new HttpFailure(`POST /v1/brands ${brand.brandId}: ${describe(res)}`);
    brandsCreated++;
  }
  const existingProperties = await call(PROFILE_URL, 'GET', '/v1/properties');
  if (!existingProperties.ok) throw new HttpFailure(`GET /v1/properties: ${describe(existingProperties)}`);
  const propertyIds = new Set(existingProperties.body.items.map((p) => p.propertyId));
  let propertiesCreated = 0;
  for (const { currency: _c, rate: _r, ...property } of PROPERTIES) {
    if (propertyIds.has(property.propertyId)) continue;
    const res = await call(PROFILE_URL, 'POST', '/v1/properties', { body: property, headers: { 'idempotency-key': `seed-property-${property.propertyId}` } });
    if (!res.ok) throw new HttpFailure(`POST /v1/properties ${property.propertyId}: ${describe(res)}`);
    propertiesCreated++;
  }
  console.log(`  brands      ${BRANDS.length} (${brandsCreated} new): ${BRANDS.map((b) => `${b.brandId} [${b.sharing}]`).join(', ')}`);
  console.log(`  properties  ${PROPERTIES.length} (${propertiesCreated} new): ${PROPERTIES.map((p) => `${p.propertyId} (${p.timeZone})`).join(', ')}`);

  // Guests: register (or find), then preferences and consents, each written for the brand it belongs to.
  const guestsStarted = performance.now();
  const guests = Array.from({ length: GUESTS }, (_, i) => makeGuest(i));
  const tally = { created: 0, existing: 0, identities: 0, preferences: 0, consents: 0, writes: 0, failed: [] };
  await pool(guests, CONCURRENCY, async (g) => {
    const home = g.brands[0];
    const res = await call(PROFILE_URL, 'POST', '/v1/guests', {
      body: { ...g.profile, lifecycleStage: 'repeat' },
      headers: { 'idempotency-key': `seed-${TENANT}-guest-${g.i}`, 'x-brand-id': home, 'x-channel': 'seed' },
      okStatuses: [201],
    });
    tally.writes++;
    let existed = true;
    if (res.status === 201) {
      g.guestId = res.body.guestId;
      existed = res.headers.get('idempotent-replayed') === 'true';
      if (existed) tally.existing++;
      else tally.created++;
    } else if (res.status === 409 || res.status === 422) {
      // registered by an earlier run (its idempotency record expired, or the body changed with the date)
      const found = await call(PROFILE_URL, 'GET', `/v1/guests?identifier=${encodeURIComponent(`email:${g.email}`)}`);
      tally.writes++;
      g.guestId = found.body?.items?.[0]?.guestId;
      if (!g.guestId) return void tally.failed.push(`guest ${g.i}: ${describe(res)}; lookup: ${describe(found)}`);
      tally.existing++;
    } else {
      return void tally.failed.push(`guest ${g.i}: ${describe(res)}`);
    }
    tally.identities += g.profile.identities.length;
    // A guest from an earlier run: write only what it does not hold yet (an interrupted run left gaps).
    let preferences = g.preferences;
    let consents = g.consents;
    if (existed) {
      const current = await call(PROFILE_URL, 'GET', `/v1/guests/${g.guestId}`);
      tally.writes++;
      if (current.status === 200) {
        const held = new Set(current.body.preferences.map((p) => `${p.key}|${p.scope}|${p.brandId ?? ''}|${p.value}|${p.kind}`));
        preferences = preferences.filter((p) => !held.has(`${p.key}|${p.body.scope}|${p.body.brandId ?? ''}|${p.body.value}|${p.body.kind ?? 'preference'}`));
        const given = new Set(current.body.consents.map((c) => `${c.brandId}|${c.purpose}|${c.channel}|${c.granted}`));
        consents = consents.filter((c) => !given.has(`${c.brandId}|${c.purpose}|${c.channel}|${c.granted}`));
        tally.preferences += g.preferences.length - preferences.length;
        tally.consents += g.consents.length - consents.length;
      }
    }
    for (const p of preferences) {
      const brand = p.body.brandId ?? home;
      const r = await call(PROFILE_URL, 'PUT', `/v1/guests/${g.guestId}/preferences/${p.key}`, { body: p.body, headers: { 'x-brand-id': brand, 'x-channel': 'seed' } });
      tally.writes++;
      if (r.ok) tally.preferences++;
      else tally.failed.push(`guest ${g.i} preference ${p.key}: ${describe(r)}`);
    }
    for (const c of consents) {
      const r = await call(PROFILE_URL, 'POST', `/v1/guests/${g.guestId}/consents`, { body: c, headers: { 'x-brand-id': c.brandId, 'x-channel': 'seed' } });
      tally.writes++;
      if (r.ok) tally.consents++;
      else tally.failed.push(`guest ${g.i} consent ${c.brandId}/${c.purpose}/${c.channel}: ${describe(r)}`);
    }
  });
  const guestSeconds = (performance.now() - guestsStarted) / 1000;
  const ok = guests.filter((g) => g.guestId);
  console.log(`  guests      ${ok.length} (${tally.created} new, ${tally.existing} already there), ${tally.identities} identities, ${tally.preferences} preferences, ${tally.consents} consents`);
  console.log(`              ${tally.writes} customer-profile requests in ${guestSeconds.toFixed(1)} s (${Math.round(tally.writes / guestSeconds)}/s, ${CONCURRENCY} in flight)`);
  if (tally.failed.length) {
    console.error(`  ${tally.failed.length} guest writes failed, e.g.:\n    ${tally.failed.slice(0, 5).join('\n    ')}`);
  }

  // Timelines: every guest's touchpoints, shuffled across guests (arrival order is not occurredAt order).
  const counters = { reservations: 0, upcoming: 0, arrivalsToday: {}, stays: 0, diningVisits: 0, purchases: 0, calls: 0, emails: 0, chats: 0, webVisits: 0, notes: 0, complaints: 0, recoveries: 0, surveys: 0 };
  const touchpoints = [];
  for (const g of ok) {
    for (const { _byIdentifier, ...item } of makeTimeline(g, counters)) touchpoints.push(_byIdentifier ? item : { guestId: g.guestId, ...item });
  }
  const order = prng(hash(`${SEED}:order`));
  for (let k = touchpoints.length - 1; k > 0; k--) {
    const j = Math.floor(order.next() * (k + 1));
    [touchpoints[k], touchpoints[j]] = [touchpoints[j], touchpoints[k]];
  }
  const batches = [];
  for (let k = 0; k < touchpoints.length; k += BATCH_SIZE) batches.push(touchpoints.slice(k, k + BATCH_SIZE));
  const ingest = { created: 0, duplicate: 0, failed: 0, problems: new Map(), examples: [], byResolution: {} };
  const ingestStarted = performance.now();
  await pool(batches, BATCH_CONCURRENCY, async (items, b) => {
    const res = await call(TIMELINE_URL, 'POST', '/v1/touchpoints:batch', { body: { items }, okStatuses: [200, 207] });
    if (!res.ok || !Array.isArray(res.body?.results)) {
      ingest.failed += items.length;
      const code = `batch ${res.status} ${res.body?.code ?? ''}`.trim();
      ingest.problems.set(code, (ingest.problems.get(code) ?? 0) + items.length);
      if (ingest.examples.length < 5) ingest.examples.push(`batch ${b}: ${describe(res)}`);
      return;
    }
    for (const result of res.body.results) {
      if (result.status === 201 || result.status === 200) {
        if (result.duplicate) ingest.duplicate++;
        else ingest.created++;
        if (result.resolution) ingest.byResolution[result.resolution] = (ingest.byResolution[result.resolution] ?? 0) + 1;
      } else {
        ingest.failed++;
        const code = result.problem?.code ?? String(result.status);
        ingest.problems.set(code, (ingest.problems.get(code) ?? 0) + 1);
        if (ingest.examples.length < 5) ingest.examples.push(`item ${result.index} of batch ${b} (${items[result.index]?.type}): ${result.status} ${code} ${JSON.stringify(result.problem?.errors ?? result.problem?.detail ?? '')}`);
      }
    }
  });
  const ingestSeconds = (performance.now() - ingestStarted) / 1000;
  const arrivals = Object.entries(counters.arrivalsToday).map(([p, n]) => `${p} ${n}`).join(', ');
  console.log(`  touchpoints ${touchpoints.length}: ${counters.reservations} reservations (${counters.upcoming} upcoming; arriving today: ${arrivals || 'none'}), ${counters.stays} stays, ${counters.diningVisits} dining visits, ${counters.purchases} purchases,`);
  console.log(`              ${counters.calls} calls, ${counters.emails} e-mails, ${counters.chats} chats, ${counters.webVisits} web visits, ${counters.notes} notes, ${counters.complaints} complaints (${counters.recoveries} recovered), ${counters.surveys} surveys`);
  console.log(`              ${ingest.created} new, ${ingest.duplicate} already there, ${ingest.failed} failed; ${batches.length} batches in ${ingestSeconds.toFixed(1)} s (${Math.round(touchpoints.length / ingestSeconds)} touchpoints/s)`);
  if (Object.keys(ingest.byResolution).length) console.log(`              guest named by: ${Object.entries(ingest.byResolution).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (ingest.failed) console.error(`  touchpoint failures by code: ${[...ingest.problems].map(([k, v]) => `${k} ×${v}`).join(', ')}\n    ${ingest.examples.join('\n    ')}`);

  const ticketFailures = TICKETS > 0 ? await seedServiceTickets(guests) : 0;

  const sample = ok.find((g) => g.brands.length === 3) ?? ok[0];
  const lisbonToday = localDate('Europe/Lisbon');
  console.log(`\nDone in ${((performance.now() - started) / 1000).toFixed(1)} s. Try (TOKEN from npm start, or npm run token -- --tenant ${TENANT} --roles agent --brands '*'):`);
  if (sample) console.log(`  curl -H "Authorization: Bearer $TOKEN" ${TIMELINE_URL}/v1/guests/${sample.guestId}/view`);
  console.log(`  curl -H "Authorization: Bearer $TOKEN" "${TIMELINE_URL}/v1/properties/aurora-lisboa/arrivals?date=${lisbonToday}"`);
  if (sample) console.log(`  curl -H "Authorization: Bearer $TOKEN" "${PROFILE_URL}/v1/guests?identifier=email:${sample.email}"`);
  if (TICKETS > 0) {
    console.log(`  curl -H "Authorization: Bearer $TOKEN" "${TICKETS_URL}/v1/tickets?limit=10"            (the unified queue, most urgent first)`);
    console.log(`  curl -H "Authorization: Bearer $TOKEN" "${TICKETS_URL}/v1/tickets/metrics?from=${addDays(localDate('UTC'), -30)}&groupBy=queue"`);
    console.log(`  curl -H "Authorization: Bearer $(npm run -s token -- --tenant ${TENANT} --roles portal --brands aurora-hotels --sub faq)" "${TICKETS_URL}/v1/kb/faq?q=check-out"   (Aurora's FAQ)`);
  }
  if (tally.failed.length || ingest.failed || ticketFailures) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error instanceof HttpFailure ? `seed failed: ${error.message}` : error);
  process.exit(1);
});
