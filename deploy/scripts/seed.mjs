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
// Environment: CUSTOMER_PROFILE_URL (http://127.0.0.1:4101), TIMELINE_URL (http://127.0.0.1:4102),
// SEED_TENANT (demo-chain), SEED_GUESTS (2000), SEED_SEED (hearth), SEED_CONCURRENCY (16 guest writes in
// flight), SEED_BATCH_SIZE (250 touchpoints per batch), SEED_BATCH_CONCURRENCY (4), JWT_SECRET as the services.
// `npm run seed -- --dry-run` prints what would be loaded without calling the services.
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
    console.error('Start Hearth first with `npm start` in another terminal (or set CUSTOMER_PROFILE_URL / TIMELINE_URL), then run `npm run seed` again.');
    process.exit(1);
  }
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
  // When the timeline is built, check every touchpoint against the service's own request schema.
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
  // The same code as `npm run token` (libs/http): JWT_SECRET or the development secret, like the services.
  const { runTokenCli } = require(join(root, 'libs/http/dist/token-cli.js'));
  token = await runTokenCli(['--tenant', TENANT, '--roles', 'admin,agent,steward,integration', '--brands', '*', '--sub', 'seed', '--ttl', '2h'], process.env);
  console.log(`Seeding tenant ${TENANT}: ${GUESTS} guests (seed "${SEED}") into ${PROFILE_URL} and ${TIMELINE_URL}`);

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

  const sample = ok.find((g) => g.brands.length === 3) ?? ok[0];
  const lisbonToday = localDate('Europe/Lisbon');
  console.log(`\nDone in ${((performance.now() - started) / 1000).toFixed(1)} s. Try (TOKEN from npm start, or npm run token -- --tenant ${TENANT} --roles agent --brands '*'):`);
  if (sample) console.log(`  curl -H "Authorization: Bearer $TOKEN" ${TIMELINE_URL}/v1/guests/${sample.guestId}/view`);
  console.log(`  curl -H "Authorization: Bearer $TOKEN" "${TIMELINE_URL}/v1/properties/aurora-lisboa/arrivals?date=${lisbonToday}"`);
  if (sample) console.log(`  curl -H "Authorization: Bearer $TOKEN" "${PROFILE_URL}/v1/guests?identifier=email:${sample.email}"`);
  if (tally.failed.length || ingest.failed) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error instanceof HttpFailure ? `seed failed: ${error.message}` : error);
  process.exit(1);
});
