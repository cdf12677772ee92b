/**
 * Tiny runtime shape checks for the wire protocol. A guard returns `undefined` when the value fits, else
 * a short reason that names the path (`session.audio.input.turn_detection.threshold: expected ...`).
 * Pure, allocation-light, no dependencies, so the SDK bundle stays small.
 */

export type Guard = (value: unknown, path: string) => string | undefined;

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Longest id we accept (event, item, response, call ids). */
export const MAX_ID_CHARS = 128;

/** A string of at most `max` UTF-16 units. */
export const str =
  (max = 16_384): Guard =>
  (v, p) =>
    typeof v === 'string' && v.length <= max ? undefined : `${p}: expected a string of at most ${max} characters`;

/** An id: a non-empty string of at most {@link MAX_ID_CHARS} characters. */
export const id: Guard = (v, p) =>
  typeof v === 'string' && v.length > 0 && v.length <= MAX_ID_CHARS
    ? undefined
    : `${p}: expected an id (1..${MAX_ID_CHARS} characters)`;

/** A finite number in [min, max]. */
export const num =
  (min: number, max: number): Guard =>
  (v, p) =>
    typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max
      ? undefined
      : `${p}: expected a number in [${min}, ${max}]`;

/** An integer in [min, max]. */
export const int =
  (min: number, max: number): Guard =>
  (v, p) =>
    Number.isInteger(v) && (v as number) >= min && (v as number) <= max
      ? undefined
      : `${p}: expected an integer in [${min}, ${max}]`;

export const bool: Guard = (v, p) => (typeof v === 'boolean' ? undefined : `${p}: expected a boolean`);

/** One of the given literal values. */
export const lit =
  (...values: readonly (string | number | boolean | null)[]): Guard =>
  (v, p) =>
    values.includes(v as string)
      ? undefined
      : `${p}: expected one of ${values.map((x) => JSON.stringify(x)).join(', ')}`;

/** Absent (undefined) or `g`. */
export const opt =
  (g: Guard): Guard =>
  (v, p) =>
    v === undefined ? undefined : g(v, p);

/** null or `g`. */
export const nullable =
  (g: Guard): Guard =>
  (v, p) =>
    v === null ? undefined : g(v, p);

/** An array of at most `max` elements, each `g`. */
export const arr =
  (g: Guard, max = 256): Guard =>
  (v, p) => {
    if (!Array.isArray(v) || v.length > max) return `${p}: expected an array of at most ${max} elements`;
    for (let i = 0; i < v.length; i++) {
      const r = g(v[i], `${p}[${i}]`);
      if (r) return r;
    }
    return undefined;
  };

/** Any JSON value (already parsed, so only size bounds it). */
export const any: Guard = () => undefined;

/**
 * An object whose listed fields fit their guards. Fields not listed are ignored (forward compatible:
 * a newer peer may add fields). Own properties only, so `__proto__` tricks do not reach the prototype.
 */
export const obj =
  (shape: Readonly<Record<string, Guard>>): Guard =>
  (v, p) => {
    if (!isObj(v)) return `${p}: expected an object`;
    for (const key in shape) {
      const g = shape[key];
      if (!g) continue;
      const r = g(Object.hasOwn(v, key) ? v[key] : undefined, p ? `${p}.${key}` : key);
      if (r) return r;
    }
    return undefined;
  };

/** An object of at most `maxKeys` string keys, each value `g` (e.g. metadata). */
export const dict =
  (g: Guard, maxKeys = 16): Guard =>
  (v, p) => {
    if (!isObj(v)) return `${p}: expected an object`;
    const keys = Object.keys(v);
    if (keys.length > maxKeys) return `${p}: at most ${maxKeys} keys`;
    for (const k of keys) {
      const r = g(v[k], `${p}.${k}`);
      if (r) return r;
    }
    return undefined;
  };

/**
 * A union discriminated by `type`: picks the member guard by the value's `type` field.
 * Gives a clearer reason than trying every member.
 */
export const tagged =
  (members: Readonly<Record<string, Guard>>): Guard =>
  (v, p) => {
    if (!isObj(v)) return `${p}: expected an object`;
    const t = v.type;
    if (typeof t !== 'string' || !Object.hasOwn(members, t)) {
      return `${p}.type: expected one of ${Object.keys(members).join(', ')}`;
    }
    return members[t]?.(v, p);
  };
