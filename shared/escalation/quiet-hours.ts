import type { Severity } from '../contracts/severity';

/** Hours when only the listed severities page; others wait for the end of the window. */
export interface QuietHours {
  /** IANA time zone, e.g. Europe/Berlin. */
  readonly timeZone: string;
  /** Local wall-clock start and end, "HH:MM"; a window may span midnight. */
  readonly start: string;
  readonly end: string;
  /** Severities that page even in quiet hours. */
  readonly overrideSeverities: readonly Severity[];
}

const minutes = (hhmm: string): number => {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) throw new Error(`"${hhmm}" is not HH:MM`);
  return Number(m[1]) * 60 + Number(m[2]);
};

function localMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

export function validateQuietHours(q: QuietHours): void {
  minutes(q.start);
  minutes(q.end);
  new Intl.DateTimeFormat('en-GB', { timeZone: q.timeZone });
}

/**
 * When a page of this severity may go out: now, or the end of the quiet
 * window it falls in (local wall clock; a DST change inside the window can
 * shift the end by an hour, which errs on paging later, never never).
 */
export function notBefore(q: QuietHours | undefined, severity: Severity, at: Date): Date {
  if (!q || q.overrideSeverities.includes(severity)) return at;
  const now = localMinutes(at, q.timeZone);
  const start = minutes(q.start);
  const end = minutes(q.end);
  const inside = start <= end ? now >= start && now < end : now >= start || now < end;
  if (!inside) return at;
  const wait = (end - now + 1440) % 1440;
  return new Date(at.getTime() + wait * 60_000 - (at.getTime() % 60_000));
}
