/**
 * Copy-on-write editing of parsed request bodies: a pass-through body is the caller's own parsed
 * JSON, which a fallback candidate may send again, so an edit builds new arrays and objects only
 * along the path it changes and leaves the rest shared.
 */
import { isObject } from "./fields.ts";

/** `items` mapped by `edit`; the same array when `edit` returned every item unchanged. */
export function mapChanged<T>(items: readonly T[], edit: (item: T) => T): T[] {
  let out: T[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const edited = edit(items[i]);
    if (edited !== items[i]) {
      out ??= items.slice(0, i);
    }
    out?.push(edited);
  }
  return out ?? (items as T[]);
}

/**
 * Each object of `items` with its `key` list mapped by `edit` (`messages` → `content`, `contents`
 * → `parts`); copy-on-write like `mapChanged`, items without such a list kept as they are.
 */
export function mapInner(
  items: readonly unknown[],
  key: string,
  edit: (item: unknown) => unknown,
): unknown[] {
  return mapChanged(items, (item) => {
    if (!isObject(item) || !Array.isArray(item[key])) return item;
    const inner = mapChanged(item[key] as unknown[], edit);
    return inner === item[key] ? item : { ...item, [key]: inner };
  });
}
