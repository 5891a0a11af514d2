/*
 * Names from a graph file or the command line ("constructor", "toString", "__proto__") must be plain names. A lookup
 * `record[name]` on an ordinary object finds what Object.prototype has under that name, and `record[name] = value`
 * with "__proto__" replaces the object's prototype instead of adding a key; these two helpers avoid both.
 */

/** `record[key]` where the record holds `key` itself, else undefined. */
export function own<T>(record: Readonly<Record<PropertyKey, T>> | undefined, key: PropertyKey): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key as keyof typeof record] : undefined;
}

/** A record without a prototype: every name, "__proto__" included, is an ordinary key of it. */
export function dict<T>(entries: Iterable<readonly [string, T]> = []): Record<string, T> {
  const record = Object.create(null) as Record<string, T>;
  for (const [key, value] of entries) record[key] = value;
  return record;
}
