import { Duration, Token, aws_logs as logs } from 'aws-cdk-lib';

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

/** The retention periods CloudWatch Logs accepts, in days (9999 is CDK's "never expire"). */
export function checkLogRetention(path: string, prop: string, value: number | undefined): void {
  const days = literalNumber(value);
  if (days === undefined) return;
  const allowed = Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number').sort((a, b) => a - b);
  if (allowed.includes(days)) return;
  const below = allowed.filter((d) => d < days && d !== 9999).pop();
  const above = allowed.find((d) => d > days && d !== 9999);
  const nearest = [below, above].filter((d) => d !== undefined).map((d) => `${plural(d!, 'day')} (RetentionDays.${logs.RetentionDays[d!]})`);
  throw invalid(path, prop, days, `CloudWatch Logs keeps logs for one of ${allowed.filter((d) => d !== 9999).join(', ')} days, or forever (INFINITE)`,
    `Use ${nearest.length ? nearest.join(' or ') : 'one of the RetentionDays values'}.`);
}

/**
 * An Application Auto Scaling schedule: `at(yyyy-mm-ddThh:mm:ss)`, `rate(n unit)` or a six-field
 * `cron(...)` with exactly one of day-of-month and day-of-week given as '?'.
 */
export function checkSchedule(path: string, prop: string, expression: string): void {
  if (Token.isUnresolved(expression)) return;
  const problem = scheduleProblem(expression);
  if (problem) {
    throw invalid(path, prop, expression, `an Application Auto Scaling schedule is at(yyyy-mm-ddThh:mm:ss), rate(<n> minutes|hours|days) or cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>); ${problem}`,
      'Build it with appscaling.Schedule.cron({ ... }), Schedule.at(date) or Schedule.rate(duration).');
  }
}

const CRON_FIELDS: Array<{ name: string; min: number; max: number; names?: string[] }> = [
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day-of-week', min: 1, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
  { name: 'year', min: 1970, max: 2199 },
];

function scheduleProblem(expression: string): string | undefined {
  const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(expression);
  if (at) {
    const [y, mo, d, h, mi, s] = at.slice(1).map(Number);
    const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
    return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60 && s < 60 ? undefined : 'this date does not exist';
  }
  if (expression.startsWith('at(')) return 'at() takes yyyy-mm-ddThh:mm:ss';
  const rate = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(expression);
  if (rate) return Number(rate[1]) >= 1 ? undefined : 'a rate is at least 1';
  if (expression.startsWith('rate(')) return 'rate() takes a whole number and minute(s), hour(s) or day(s)';
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (!cron) return 'it is none of the three';
  const fields = cron[1].trim().split(/\s+/);
  if (fields.length !== 6) return `cron() takes 6 fields and this has ${fields.length}`;
  if ((fields[2] === '?') === (fields[4] === '?')) return 'exactly one of day-of-month and day-of-week must be \'?\'';
  for (let i = 0; i < 6; i++) {
    const bad = cronFieldProblem(fields[i], i);
    if (bad) return `${CRON_FIELDS[i].name} '${fields[i]}' ${bad}`;
  }
  return undefined;
}

function cronFieldProblem(field: string, index: number): string | undefined {
  const spec = CRON_FIELDS[index];
  const value = (text: string): number | undefined => {
    const named = spec.names?.indexOf(text.toUpperCase()) ?? -1;
    if (named >= 0) return named + 1;
    return /^\d+$/.test(text) ? Number(text) : undefined;
  };
  const inRange = (text: string) => {
    const n = value(text);
    return n !== undefined && n >= spec.min && n <= spec.max;
  };
  if (field === '?') return index === 2 || index === 4 ? undefined : 'cannot be \'?\'';
  for (const part of field.split(',')) {
    if (part === '*') continue;
    if (index === 2 && (part === 'L' || /^\d+W$/.test(part) && inRange(part.slice(0, -1)))) continue;
    if (index === 4 && (/^\w+L$/.test(part) && inRange(part.slice(0, -1)) || /^\w+#[1-5]$/.test(part) && inRange(part.split('#')[0]))) continue;
    const [base, step, extra] = part.split('/');
    if (extra !== undefined || (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1))) return `has a bad step in '${part}'`;
    if (base === '*' && step !== undefined) continue;
    const ends = base.split('-');
    if (ends.length > 2 || !ends.every(inRange)) return `takes values from ${spec.min} to ${spec.max}${spec.names ? ` or ${spec.names[0]}-${spec.names[spec.names.length - 1]}` : ''}`;
  }
  return undefined;
}

/**
 * An id given to one of our `add*` methods: not empty, and not already taken there (CDK's own
 * clash message names neither the method nor the id's owner).
 */
export function checkId(path: string, what: string, id: string, taken: boolean, example: string): void {
  if (id.trim() === '') {
    throw invalid(path, `${what} id`, id, `a ${what} needs a non-empty id, which names its constructs`, `Give it an id such as '${example}'.`);
  }
  if (taken) {
    throw invalid(path, `${what} id`, id, `another ${what} of ${path} already has it`, `Give each ${what} its own id.`);
  }
}

/** ECR's rule for an image tag. */
const ECR_TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** Throw unless a literal tag is one ECR accepts. */
export function checkTag(path: string, prop: string, tag: string): void {
  if (Token.isUnresolved(tag) || ECR_TAG.test(tag)) return;
  throw invalid(path, prop, tag, 'an ECR tag is 1-128 letters, digits, _ . or -, not starting with . or -',
    'Give the tag CI pushed, e.g. the commit SHA.');
}
