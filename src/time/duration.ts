/** Durations such as `90d`, `8760h`, `1y`, `1h30m`, `500ms` (a year is 365 days). */
import { usageError } from '../errors.js';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};

const PART = /(\d+)(ms|y|w|d|h|m|s)/gy;

/**
 * Parses a duration into milliseconds, or returns undefined when malformed.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  let total = 0;
  PART.lastIndex = 0;
  let consumed = 0;
  for (let m = PART.exec(trimmed); m; m = PART.exec(trimmed)) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    consumed = PART.lastIndex;
  }
  if (consumed !== trimmed.length || total <= 0) return undefined;
  return total;
}

/**
 * Parses a duration given for an option.
 * @throws MtlsError USAGE_INVALID_VALUE naming the option and the syntax.
 */
export function durationOption(option: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) {
    throw usageError(
      'USAGE_INVALID_VALUE',
      `${option} ${JSON.stringify(text)} is not a duration`,
      'use a number and a unit, e.g. 90d, 8760h, 1y or 1h30m (units y w d h m s ms)',
    );
  }
  return ms;
}

/** Formats milliseconds in the largest whole unit, e.g. `90d`, `36h`. */
export function formatDuration(ms: number): string {
  for (const unit of ['y', 'd', 'h', 'm', 's']) {
    const size = UNIT_MS[unit]!;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${Math.round(ms / 1000)}s`;
}

/** "in 23 days", "3 hours ago": the distance from `now` to `date` in words. */
export function relativeTime(date: Date, now: Date): string {
  const diff = date.getTime() - now.getTime();
  const abs = Math.abs(diff);
  const [value, unit] =
    abs >= 2 * UNIT_MS.y! ? [abs / UNIT_MS.y!, 'year']
    : abs >= 2 * UNIT_MS.d! ? [abs / UNIT_MS.d!, 'day']
    : abs >= 2 * UNIT_MS.h! ? [abs / UNIT_MS.h!, 'hour']
    : abs >= 2 * UNIT_MS.m! ? [abs / UNIT_MS.m!, 'minute']
    : [abs / 1000, 'second'];
  const n = Math.floor(value);
  const words = `${n} ${unit}${n === 1 ? '' : 's'}`;
  return diff >= 0 ? `in ${words}` : `${words} ago`;
}
