/** The wire kit of every dialect: a new dialect is one kit file and one line here. */
import type { Dialect } from "../../../lib/ir/types.ts";
import { anthropic } from "./anthropic.ts";
import { gemini } from "./gemini.ts";
import type { WireKit } from "./kit.ts";
import { openai } from "./openai.ts";
import { responses } from "./responses.ts";

export const KITS: Record<Dialect, WireKit> = { anthropic, openai, gemini, responses };

export const DIALECTS = Object.keys(KITS) as Dialect[];
