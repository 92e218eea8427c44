/**
 * A pass-through body's reasoning items that no Responses upstream made: a session that switched
 * here from another model replays, in `encrypted_content`, the proofs the proxy handed on from
 * that model's upstream (or its own mark). Such an item is taken out, as the conversion would
 * leave it out: the upstream could not verify it and would refuse the whole request.
 */
import { isObject } from "../json/fields.ts";
import { isOwnProof } from "./reasoning_proof.ts";

/** `input` without reasoning items carrying another dialect's proof; the same list if none. */
export function withoutForeignReasoning(input: unknown): unknown {
  if (!Array.isArray(input)) return input;
  const kept = input.filter((item) => !isForeign(item));
  return kept.length === input.length ? input : kept;
}

function isForeign(item: unknown): boolean {
  if (!isObject(item) || item.type !== "reasoning") return false;
  const proof = item.encrypted_content;
  return typeof proof === "string" && proof !== "" && !isOwnProof(proof);
}
