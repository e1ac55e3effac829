// What an entry changed: its subject's state before and after, field by field (only the fields
// that differ), and both states as pretty-printed JSON for the whole picture.

export interface FieldChange {
  /** The field's name; `(value)` when a state is not an object of fields. */
  field: string;
  /** As shown: `—` when the field was absent or null. */
  before: string;
  after: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** JSON with object keys sorted, so that two equal states compare equal whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isRecord(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** One value as a cell shows it: text as it is, `—` for nothing, anything else as JSON. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value === '' ? '""' : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * The fields whose value differs between `before` and `after`, in the order they first appear.
 * A field missing on one side counts as null there; nothing before (a creation) lists every
 * field that has a value after.
 */
export function changedFields(before: unknown, after: unknown): FieldChange[] {
  const absent = (value: unknown) => value === null || value === undefined;
  if ((isRecord(before) || absent(before)) && (isRecord(after) || absent(after))) {
    const b = isRecord(before) ? before : {};
    const a = isRecord(after) ? after : {};
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
    return keys
      .filter((key) => canonical(b[key]) !== canonical(a[key]))
      .map((key) => ({ field: key, before: formatValue(b[key]), after: formatValue(a[key]) }));
  }
  if (canonical(before) === canonical(after)) return [];
  return [{ field: '(value)', before: formatValue(before), after: formatValue(after) }];
}

/** A state as indented JSON; null when there is none. */
export function prettyJson(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return JSON.stringify(value, null, 2);
}

/** Whether an entry has a before or an after to show. */
export function hasStates(entry: { before?: unknown; after?: unknown }): boolean {
  return entry.before != null || entry.after != null;
}
