import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TelemetryEvent } from '../../../shared/telemetry';
import { validateOcsf } from '../../../shared/ocsf/validate';

export const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'sources');

export function fixtureText(source: string, name: string): string {
  return readFileSync(join(FIXTURES, source, name), 'utf8');
}

export function fixture(source: string, name: string): Record<string, unknown> {
  return JSON.parse(fixtureText(source, name)) as Record<string, unknown>;
}

/** Asserts every event is valid OCSF and a well-formed envelope. */
export function expectValid(events: TelemetryEvent[]): void {
  expect(events.length).toBeGreaterThan(0);
  for (const e of events) {
    expect({ uid: e.uid, problems: validateOcsf(e.ocsf) }).toEqual({ uid: e.uid, problems: [] });
    expect(typeof e.uid).toBe('string');
    expect(e.uid.length).toBeGreaterThan(0);
    expect(Number.isFinite(e.time)).toBe(true);
    expect(e.time).toBe(e.ocsf.time);
    expect(typeof e.raw).toBe('object');
  }
}
