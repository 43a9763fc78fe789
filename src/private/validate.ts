import { Duration, Token } from 'aws-cdk-lib';

/**
 * The one format of our validation errors:
 * `<construct path>: <prop> <value> is invalid: <rule>. <how to fix>`
 */
export function invalid(path: string, prop: string, value: unknown, rule: string, fix: string): Error {
  return new Error(`${path}: ${prop} ${show(value)} is invalid: ${rule}. ${fix}`);
}

function show(value: unknown): string {
  if (value instanceof Duration) {
    // Exact seconds: toHumanString() rounds 4001 s to '1 hour 6 minutes'.
    const seconds = value.toSeconds({ integral: false });
    for (const [unit, size] of [['day', 86400], ['hour', 3600], ['minute', 60]] as const) {
      if (seconds > 0 && seconds % size === 0) return plural(seconds / size, unit);
    }
    return plural(seconds, 'second');
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return JSON.stringify(value);
  return String(value);
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** Whole seconds of a literal duration; undefined for none or an unresolved token (checked by AWS instead). */
export function literalSeconds(duration: Duration | undefined): number | undefined {
  if (duration === undefined || duration.isUnresolved()) return undefined;
  return duration.toSeconds({ integral: false });
}

/** Days (fractions kept) of a literal duration; undefined for none or an unresolved token. */
export function literalDays(duration: Duration | undefined): number | undefined {
  return literalSeconds(duration) === undefined ? undefined : duration!.toDays({ integral: false });
}

/** A literal number, or undefined for none or an unresolved token. */
export function literalNumber(value: number | undefined): number | undefined {
  return value === undefined || Token.isUnresolved(value) ? undefined : value;
}

/** Throw unless a literal number lies in [min, max] (and is whole, when `integer`). */
export function checkRange(path: string, prop: string, value: number | undefined, min: number, max: number, what: string,
  options: { integer?: boolean; shown?: unknown } = {}): void {
  const n = literalNumber(value);
  if (n === undefined) return;
  if (n < min || n > max || (options.integer && !Number.isInteger(n))) {
    throw invalid(path, prop, options.shown ?? n, `${what} must be ${options.integer ? 'a whole number ' : ''}from ${min} to ${max}`,
      `Give ${prop} a value from ${min} to ${max}.`);
  }
}

/** Throw unless a literal duration lies in [min, max] seconds. */
export function checkSeconds(path: string, prop: string, duration: Duration | undefined, min: number, max: number, what: string): void {
  const s = literalSeconds(duration);
  if (s === undefined) return;
  if (s < min || s > max || !Number.isInteger(s)) {
    throw invalid(path, prop, duration, `${what} must be whole seconds from ${min} to ${max}`,
      `Give ${prop} a duration from ${min} to ${max} seconds.`);
  }
}

/** A literal string, or undefined for none or an unresolved token. */
export function literalString(value: string | undefined): string | undefined {
  return value === undefined || Token.isUnresolved(value) ? undefined : value;
}
