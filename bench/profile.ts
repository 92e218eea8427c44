/**
 * `deno task profile [lane] [requests]`: one lane through the request handler in process (the
 * upstream stubbed, as in handler_bench.ts), in a loop, printing wall and CPU time per request.
 * Lanes: 1 Anthropic → OpenAI 116 KB, 2 the same streamed, 3 OpenAI → Anthropic 2 KB, 4 Anthropic
 * → Anthropic pass-through 2 KB streamed, 5 Responses → OpenAI 2 KB, 6 Codex's 43 KB request →
 * OpenAI streamed. Run it under V8's sampling profiler to see where the
 * time goes (bench/README.md).
 */
import {
  BIG,
  BIG_STREAM,
  call,
  CODEX_STREAM,
  SMALL_ANTHROPIC_STREAM,
  SMALL_OPENAI,
  SMALL_RESPONSES,
} from "./_handler.ts";
import { cpuSeconds } from "./_processes.ts";

const LANES = {
  "1": ["/anthropic/v1/messages", BIG],
  "2": ["/anthropic/v1/messages", BIG_STREAM],
  "3": ["/openai/v1/chat/completions", SMALL_OPENAI],
  "4": ["/anthropic/v1/messages", SMALL_ANTHROPIC_STREAM],
  "5": ["/openai/v1/responses", SMALL_RESPONSES],
  "6": ["/openai/v1/responses", CODEX_STREAM],
} as const;

const lane = (Deno.args[0] ?? "1") as keyof typeof LANES;
if (!(lane in LANES)) throw new Error(`Unknown lane "${lane}"; lanes: ${Object.keys(LANES)}`);
const requests = Number(Deno.args[1] ?? 3000);
const [path, body] = LANES[lane];

for (let i = 0; i < 300; i++) await call(path, body); // warm-up
const cpu0 = cpuSeconds(Deno.pid);
const start = performance.now();
for (let i = 0; i < requests; i++) await call(path, body);
const wall = (performance.now() - start) / requests;
const cpu = (cpuSeconds(Deno.pid) - cpu0) * 1000 / requests;
console.log(`lane ${lane}: ${wall.toFixed(3)} ms wall, ${cpu.toFixed(3)} ms CPU per request`);
