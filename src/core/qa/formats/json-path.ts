/** JSON path helpers for reader errors (`$.turns[3].speaker`). */

/** Formats a path (keys and indices) as `$.a[0].b`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += `.${String(key)}`;
  }
  return out;
}
