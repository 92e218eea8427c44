/**
 * One streamed tool call's arguments as the Assembler holds them: all text received, how much of
 * it reads as the start of one JSON object (and so may be sent), and how much has been sent.
 */
import { JsonObjectPrefix } from "./json_object_prefix.ts";
import type { Signature } from "./types.ts";

export interface CallState {
  key: string;
  id?: string;
  name?: string;
  /** All argument text received. */
  args: string;
  /** How much of `args` reads as the start of a JSON object, to be sent, and whether it closed. */
  prefix: JsonObjectPrefix;
  /** Characters of `args` sent in deltas. */
  sent: number;
  signature?: Signature;
  state: "waiting" | "open" | "closed";
}

/** A call known by `key`, nothing of it received yet. */
export function newCall(key: string): CallState {
  return { key, args: "", prefix: new JsonObjectPrefix(), sent: 0, state: "waiting" };
}

/** The arguments received and not sent yet, as far as they still read as a JSON object. */
export function unsentArgs(call: CallState): string {
  const safe = call.prefix.safe;
  if (safe <= call.sent) return "";
  const json = call.args.slice(call.sent, safe);
  call.sent = safe;
  return json;
}

/**
 * What closes a call's arguments at its end, once what was held back has been sent: nothing for
 * one whole JSON object (undefined), else the text that closes them into one that keeps their
 * text (`_raw_arguments`), as whole answers do, so the caller can always parse what it
 * assembled.
 */
export function argsClosing(call: CallState): string | undefined {
  return call.prefix.complete ? undefined : call.prefix.closing(call.args);
}
