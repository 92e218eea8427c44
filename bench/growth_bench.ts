/**
 * Paths whose cost once grew faster than their input (exponentially or quadratically), each at
 * two sizes, the larger twice the smaller: in each group the larger should take about twice as
 * long as its baseline, never four times or more.
 */
import { globMatches } from "../lib/config/glob.ts";
import { decodeContents } from "../lib/gemini/decode_contents.ts";
import { cleanSchema } from "../lib/gemini/schema.ts";
import { SchemaBudget } from "../lib/gemini/schema_budget.ts";
import { Assembler } from "../lib/ir/assembler.ts";

/** `$defs` where each entry refers to the one before twice: 2^levels copies once inlined. */
function doublingChain(levels: number): Record<string, unknown> {
  const defs: Record<string, unknown> = {
    d0: { type: "integer", enum: Array.from({ length: 200 }, (_, i) => i) },
  };
  for (let i = 1; i <= levels; i++) {
    defs[`d${i}`] = {
      type: "object",
      properties: { a: { $ref: `#/$defs/d${i - 1}` }, b: { $ref: `#/$defs/d${i - 1}` } },
    };
  }
  return { $defs: defs, $ref: `#/$defs/d${levels}` };
}

for (const levels of [28, 56]) {
  const schema = doublingChain(levels);
  Deno.bench(`cleanSchema: $defs doubling over ${levels} levels, then its written size`, {
    group: "schema expansion",
    baseline: levels === 28,
  }, () => {
    const budget = new SchemaBudget();
    const cleaned = cleanSchema(schema, budget);
    try {
      budget.write(cleaned);
    } catch {
      return; // over the request's budget: the 400 it becomes
    }
    throw new Error("expected the expansion to be over budget");
  });
}

/** A Gemini conversation of `pairs` calls and responses in alternating turns, paired by name. */
function callPairs(pairs: number): unknown[] {
  const contents: unknown[] = [{ role: "user", parts: [{ text: "go" }] }];
  for (let i = 0; i < pairs; i++) {
    contents.push(
      { role: "model", parts: [{ functionCall: { name: `f${i % 7}`, args: { i } } }] },
      { role: "user", parts: [{ functionResponse: { name: `f${i % 7}`, response: { i } } }] },
    );
  }
  return contents;
}

for (const pairs of [10_000, 20_000]) {
  const contents = callPairs(pairs);
  Deno.bench(`decodeContents: ${pairs} Gemini function responses matched to their calls`, {
    group: "function-response matching",
    baseline: pairs === 10_000,
  }, () => {
    if (decodeContents(contents, []).length !== 2 * pairs + 1) throw new Error("lost turns");
  });
}

for (const length of [32_768, 65_536]) {
  // No "haiku" and no final "b": each glob must look through the whole name to say no.
  const names = ["claude-" + "h".repeat(length), "a".repeat(length)];
  const globs = [["claude-", "haiku", ""], ["a", "a", "a", "a", "b"]];
  Deno.bench(`globMatches: two aliases against ${length}-character names`, {
    group: "alias matching",
    baseline: length === 32_768,
  }, () => {
    for (const glob of globs) {
      for (const name of names) if (globMatches(glob, name)) throw new Error("matched");
    }
  });
}

for (const megabytes of [1, 2]) {
  const delta = " \n".repeat(500);
  const deltas = megabytes * 1024 * 1024 / delta.length;
  Deno.bench(`Assembler: ${megabytes} MB of whitespace in 1,000-character deltas, then text`, {
    group: "whitespace deltas",
    baseline: megabytes === 1,
  }, () => {
    const assembler = new Assembler({ id: "m", model: "m", newCallId: () => "c" });
    for (let i = 0; i < deltas; i++) assembler.text(delta);
    assembler.text("done");
    if (assembler.drain().length !== 3) throw new Error("expected start, block start, delta");
  });
}
