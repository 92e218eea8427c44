import assert from "node:assert/strict";
import { mapChanged } from "./map_changed.ts";

Deno.test("mapChanged() copies only when an item changes", () => {
  const items = [1, 2, 3];
  assert.equal(mapChanged(items, (n) => n), items);
  const changed = mapChanged(items, (n) => n === 2 ? 20 : n);
  assert.deepEqual(changed, [1, 20, 3]);
  assert.deepEqual(items, [1, 2, 3]);
});
