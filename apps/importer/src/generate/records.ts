import { pick } from './random.js';

const FIRST = ['Ada', 'Grace', 'Alan', 'Linus', 'Margaret', 'Dennis', 'Barbara', 'Ken', 'Radia', 'Tim', 'Hedy', 'Edsger', 'Frances', 'John', 'Katherine', 'Niklaus', 'Zoë', 'José', 'Søren', 'Émilie'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Hamilton', 'Ritchie', 'Liskov', 'Thompson', 'Perlman', 'Berners-Lee', 'Lamarr', 'Dijkstra', 'Allen', "O'Neil", 'Johnson', 'Wirth', 'García', 'Müller'];
const PLANS = ['free', 'starter', 'pro', 'enterprise'];
const PLACES = [['US', 'New York'], ['US', 'San Francisco'], ['GB', 'London'], ['DE', 'Berlin'], ['FR', 'Paris'], ['BR', 'São Paulo'], ['JP', 'Tokyo'], ['IN', 'Bengaluru'], ['AU', 'Sydney'], ['CA', 'Toronto']] as const;
const COMPANIES = ['Acme, Inc.', 'Globex', 'Initech', 'Umbrella Corp', 'Hooli', 'Stark Industries', 'Wayne Enterprises', 'Soylent "Green" Co', 'Tyrell', 'Cyberdyne Systems'];
const EVENTS = ['signed_up', 'logged_in', 'viewed_pricing', 'started_trial', 'upgraded', 'invited_teammate', 'exported_report'];

/** The header of a users file. */
export const USER_HEADER = ['id', 'email', 'first_name', 'last_name', 'plan', 'seats', 'mrr', 'country', 'city', 'company', 'newsletter', 'created_at', 'last_login'];

/** The header of an events file (see samples/events.mapping.json). */
export const EVENT_HEADER = ['user_id', 'event', 'occurred_at', 'plan', 'amount', 'page'];

const BASE_SECONDS = 1_672_531_200; // 2023-01-01T00:00:00Z

/** One person; empty cells stand for unknown values and are left out by the importer. */
export function userRecord(random: () => number, index: number): string[] {
  const first = pick(random, FIRST);
  const last = pick(random, LAST);
  const [country, city] = pick(random, PLACES);
  const plan = pick(random, PLANS);
  const created = BASE_SECONDS + Math.floor(random() * 63_072_000);
  // created_at alternates between ISO dates and epoch seconds: both are read as unix seconds
  const createdAt = index % 2 === 0 ? new Date(created * 1000).toISOString() : String(created);
  const lastLogin = random() < 0.2 ? '' : new Date((created + Math.floor(random() * 10_000_000)) * 1000).toISOString();
  return [
    `user-${index}`,
    `${first}.${last}.${index}@example.com`.toLowerCase().replace(/[^a-z0-9.@-]/g, ''),
    first,
    last,
    plan,
    plan === 'free' ? '1' : String(1 + Math.floor(random() * 50)),
    plan === 'free' ? '0' : (random() * 2000).toFixed(2),
    country,
    city,
    random() < 0.1 ? '' : pick(random, COMPANIES),
    random() < 0.5 ? 'true' : 'false',
    createdAt,
    lastLogin,
  ];
}

/** One event of one of the first `people` users. */
export function eventRecord(random: () => number, people: number): string[] {
  const name = pick(random, EVENTS);
  return [
    `user-${Math.floor(random() * people)}`,
    name,
    String(BASE_SECONDS + Math.floor(random() * 63_072_000)),
    pick(random, PLANS),
    name === 'upgraded' ? (random() * 500).toFixed(2) : '',
    name === 'viewed_pricing' ? '/pricing?ref=home,banner' : '',
  ];
}
