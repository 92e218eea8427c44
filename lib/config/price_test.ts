import assert from "node:assert/strict";
import { parseModels } from "./models.ts";
import { parsePrice } from "./price.ts";

Deno.test("parsePrice() reads USD per million tokens; cache prices default to the input price", () => {
  assert.equal(parsePrice(undefined, "e"), undefined);
  assert.deepEqual(parsePrice({ input: 0.27, output: 1.1, cache_read: 0.07 }, "e"), {
    input: 0.27,
    output: 1.1,
    cacheRead: 0.07,
    cacheWrite: 0.27,
  });
});

Deno.test("parsePrice() names the entry and the problem", () => {
  assert.throws(() => parsePrice(3, "m.yaml: entry 1"), /entry 1: "price" must be a mapping/);
  assert.throws(() => parsePrice({ input: 1 }, "e"), /needs both "input" and "output"/);
  assert.throws(
    () => parsePrice({ input: -1, output: 1 }, "e"),
    /"price.input" must be a non-negative/,
  );
  assert.throws(
    () => parsePrice({ input: 1, output: 1, cached: 1 }, "e"),
    /unknown key "price.cached"/,
  );
});

Deno.test("models.yaml takes price on an entry", () => {
  const models = parseModels(
    "- model_id: a\n  api_base: http://x\n  price: {input: 2, output: 8}\n",
    "models.yaml",
    () => undefined,
  );
  assert.deepEqual(models.get("a")?.price, { input: 2, output: 8, cacheRead: 2, cacheWrite: 2 });
});
