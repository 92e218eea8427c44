/**
 * The real Codex CLI against a Responses endpoint made of `lib/responses` alone (no proxy server):
 * each request Codex sends is decoded by the Responses decoder, and the scripted model's answer
 * goes through a real Assembler and the Responses stream encoder, as an upstream's would. So what
 * Codex runs is exactly what the encoder wrote (a namespaced MCP call, `tool_search`,
 * `apply_patch`), and what it sends back is read by the decoder. Skipped only where the binary
 * cannot be installed.
 */
import assert from "node:assert/strict";
import { codexBinary, type CodexRun, mcpStubConfig, runCodex } from "./_codex.ts";
import { Assembler } from "../lib/ir/assembler.ts";
import type { Part, Request, ToolCallPart, ToolResultPart } from "../lib/ir/types.ts";
import { responsesCodec } from "../lib/responses/mod.ts";

const KEY = "sk-codex-encoder-0123456789";
const PATCH =
  "*** Begin Patch\n*** Add File: zebra.txt\n+zebra: a stub definition\n*** End Patch\n";

/** One model turn: what the scripted model does with a request Codex sent. */
type Turn = (a: Assembler, request: Request) => void;

interface Endpoint {
  url: string;
  /** Every request Codex sent, decoded, with the decoder's warnings. */
  decoded: Array<{ request: Request; warnings: string[] }>;
  close(): Promise<void>;
}

/** Serves `turns` in order (the last one again if Codex asks more) through the encoder. */
function startEndpoint(turns: Turn[]): Endpoint {
  const decoded: Endpoint["decoded"] = [];
  let n = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    if (req.method !== "POST" || !new URL(req.url).pathname.endsWith("/responses")) {
      return new Response("not found", { status: 404 });
    }
    const { value: request, warnings } = responsesCodec.decodeRequest(await req.json(), {});
    decoded.push({ request, warnings });
    const turn = n++;
    const assembler = new Assembler({
      id: `msg_${turn}`,
      model: request.model,
      newCallId: () => "",
    });
    assembler.start({ id: `turn${turn}`, usage: { inputTokens: 100 } });
    turns[Math.min(turn, turns.length - 1)](assembler, request);
    assembler.addUsage({ outputTokens: 10 });
    assembler.end();
    const encoder = responsesCodec.createStreamEncoder(request, {
      newId: (prefix) => `${prefix}${turn}`,
      now: () => Date.now(),
    });
    const body = assembler.drain().map((event) => encoder.encode(event)).join("");
    return new Response(body, { headers: { "content-type": encoder.contentType } });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    decoded,
    close: () => server.shutdown(),
  };
}

function call(a: Assembler, id: string, name: string, input: unknown): void {
  a.toolCall(id, { id, name, args: JSON.stringify(input) });
  a.finish("tool_use");
}

function answer(a: Assembler, text: string): void {
  a.text(text);
  a.finish("end_turn");
}

/** The tool results of a decoded request, by call id, as text. */
function results(request: Request): Map<string, string> {
  const parts: Part[] = request.messages.flatMap((m) => m.content);
  return new Map(
    parts.filter((p): p is ToolResultPart => p.type === "tool_result").map((p) => [
      p.toolCallId,
      p.content.map((c) => c.type === "text" ? c.text : `[${c.type}]`).join("\n"),
    ]),
  );
}

function calls(request: Request): ToolCallPart[] {
  return request.messages.flatMap((m) => m.content)
    .filter((p): p is ToolCallPart => p.type === "tool_call");
}

function context(run: CodexRun): string {
  return `exit ${run.exitCode}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
}

Deno.test("Codex CLI runs the calls the Responses encoder writes and sends them back decodable (skipped where @openai/codex cannot be installed)", async (t) => {
  const binary = await codexBinary();
  const skip = "skip" in binary ? binary.skip : undefined;
  if (skip) console.log(`Codex encoder test skipped: ${skip}`);

  await t.step({
    name: "a model Codex does not know: a namespaced MCP call, then the text answer",
    ignore: skip !== undefined,
    fn: async () => {
      const endpoint = startEndpoint([
        (a) => {
          a.thinking("The stub dictionary has a lookup tool.");
          a.breakBlock();
          call(a, "call_lookup", "mcp__stub__lookup_word", { word: "zebra" });
        },
        (a) => answer(a, "The stub dictionary says: zebra."),
      ]);
      try {
        const run = await runCodex({
          baseUrl: `${endpoint.url}/openai/v1`,
          key: KEY,
          model: "deepseek-chat",
          prompt: "Look up the word zebra with the stub dictionary.",
          extraConfig: mcpStubConfig(),
          streamMaxRetries: 0,
        });
        assert.equal(run.exitCode, 0, context(run));
        assert.match(run.stdout, /The stub dictionary says: zebra\./, context(run));
        assert.match(run.stderr, /mcp: stub\/lookup_word \(completed\)/, context(run));
        assert.equal(endpoint.decoded.length, 2, context(run));
        const [first, second] = endpoint.decoded.map((d) => d.request);
        assert.ok(first.tools.some((tool) => tool.name === "mcp__stub__lookup_word"));
        // The call came back under the flat name the model used, paired with its output by id;
        // the reasoning came back with its text and the proxy's mark (the upstream signed none).
        assert.deepEqual(calls(second).map((c) => [c.id, c.name, c.input]), [
          ["call_lookup", "mcp__stub__lookup_word", { word: "zebra" }],
        ]);
        assert.match(results(second).get("call_lookup") ?? "", /zebra: a stub definition/);
        const assistant = second.messages.find((m) => m.role === "assistant");
        assert.deepEqual(assistant?.content[0], {
          type: "thinking",
          text: "The stub dictionary has a lookup tool.",
          signature: { origin: "proxy", value: "" },
        });
      } finally {
        await endpoint.close();
      }
    },
  });

  await t.step({
    name: "a model that searched the web: Codex keeps the search and sends it back",
    ignore: skip !== undefined,
    fn: async () => {
      const endpoint = startEndpoint([
        (a) => {
          a.webSearchCall("srvtoolu_g1", "zebra stripes purpose");
          a.webSearchResult("srvtoolu_g1", [{ url: "https://zebra.example/stripes", title: "Z" }]);
          call(a, "call_lookup", "mcp__stub__lookup_word", { word: "zebra" });
        },
        (a) => answer(a, "Stripes confuse flies, and the dictionary agrees."),
      ]);
      try {
        const run = await runCodex({
          baseUrl: `${endpoint.url}/openai/v1`,
          key: KEY,
          model: "deepseek-chat",
          prompt: "Why do zebras have stripes? Check the stub dictionary too.",
          extraConfig: mcpStubConfig(),
          streamMaxRetries: 0,
        });
        assert.equal(run.exitCode, 0, context(run));
        assert.match(run.stdout, /Stripes confuse flies/, context(run));
        assert.equal(endpoint.decoded.length, 2, context(run));
        const [first, second] = endpoint.decoded;
        assert.deepEqual(first.request.webSearch, {}, "Codex's web_search tool is served");
        const replayed = second.request.messages.flatMap((m) => m.content)
          .filter((p) => p.type === "web_search_call" || p.type === "web_search_result");
        assert.deepEqual(replayed.map((p) => p.type === "web_search_call" ? p.query : p.type), [
          "zebra stripes purpose",
          "web_search_result",
        ]);
        assert.deepEqual(second.warnings, []);
      } finally {
        await endpoint.close();
      }
    },
  });

  await t.step({
    name: "a call the upstream cut short is never run: Codex retries instead",
    ignore: skip !== undefined,
    fn: async () => {
      const cwd = await Deno.makeTempDir({ prefix: "codex-encoder-" });
      const endpoint = startEndpoint([
        // the stream stops inside the command: no finish reason, so the Assembler fails it
        (a) => a.toolCall("0", { id: "call_cut", name: "exec_command", args: '{"cmd":"touch cut' }),
        (a) => answer(a, "Nothing was run."),
      ]);
      try {
        const run = await runCodex({
          baseUrl: `${endpoint.url}/openai/v1`,
          key: KEY,
          model: "deepseek-chat",
          cwd,
          prompt: "Create the marker file.",
          streamMaxRetries: 1,
        });
        assert.equal(run.exitCode, 0, context(run));
        assert.match(run.stdout, /Nothing was run\./, context(run));
        assert.deepEqual([...Deno.readDirSync(cwd)].map((entry) => entry.name), []);
        assert.equal(endpoint.decoded.length, 2, context(run));
        assert.deepEqual(calls(endpoint.decoded[1].request), []);
        assert.deepEqual(
          endpoint.decoded[1].request.messages,
          endpoint.decoded[0].request.messages,
          "the retry is the same request",
        );
      } finally {
        await endpoint.close();
        await Deno.remove(cwd, { recursive: true }).catch(() => {});
      }
    },
  });

  await t.step({
    name: "a model in Codex's catalog: tool_search, the MCP tool it found, apply_patch, the answer",
    ignore: skip !== undefined,
    fn: async () => {
      const cwd = await Deno.makeTempDir({ prefix: "codex-encoder-" });
      const endpoint = startEndpoint([
        (a) => {
          a.thinking("The dictionary tool is deferred: search for it.");
          a.thinkingSignature({ origin: "anthropic", value: "EqQBsig" });
          a.breakBlock();
          call(a, "call_search", "tool_search", { query: "look up a word", limit: 3 });
        },
        (a) => call(a, "call_lookup", "mcp__stub__lookup_word", { word: "zebra" }),
        (a) => call(a, "call_patch", "apply_patch", { input: PATCH }),
        (a) => answer(a, "Saved the definition to zebra.txt."),
      ]);
      try {
        const run = await runCodex({
          baseUrl: `${endpoint.url}/openai/v1`,
          key: KEY,
          model: "gpt-5.5",
          cwd,
          prompt: "Look up zebra in the stub dictionary and save the definition to zebra.txt.",
          extraConfig: mcpStubConfig(),
          streamMaxRetries: 0,
        });
        assert.equal(run.exitCode, 0, context(run));
        assert.match(run.stdout, /Saved the definition to zebra\.txt\./, context(run));
        assert.equal(await Deno.readTextFile(`${cwd}/zebra.txt`), "zebra: a stub definition\n");
        assert.equal(endpoint.decoded.length, 4, context(run));
        const [first, second, third, last] = endpoint.decoded.map((d) => d.request);
        assert.ok(first.tools.some((tool) => tool.name === "tool_search"));
        assert.ok(!first.tools.some((tool) => tool.name === "mcp__stub__lookup_word"));
        // What the search loaded is callable from the next request on.
        assert.ok(second.tools.some((tool) => tool.name === "mcp__stub__lookup_word"));
        assert.match(results(second).get("call_search") ?? "", /mcp__stub__lookup_word/);
        assert.match(results(third).get("call_lookup") ?? "", /zebra: a stub definition/);
        assert.match(results(last).get("call_patch") ?? "", /Success/);
        assert.deepEqual(calls(last).map((c) => [c.id, c.name, c.input]), [
          ["call_search", "tool_search", { query: "look up a word", limit: 3 }],
          ["call_lookup", "mcp__stub__lookup_word", { word: "zebra" }],
          ["call_patch", "apply_patch", { input: PATCH }],
        ]);
        // The Anthropic signature came back inside encrypted_content, for Anthropic alone.
        assert.deepEqual(last.messages.find((m) => m.role === "assistant")?.content[0], {
          type: "thinking",
          text: "The dictionary tool is deferred: search for it.",
          signature: { origin: "anthropic", value: "EqQBsig" },
        });
        assert.deepEqual(endpoint.decoded.map((d) => d.warnings), [[], [], [], []]);
      } finally {
        await endpoint.close();
        await Deno.remove(cwd, { recursive: true }).catch(() => {});
      }
    },
  });
});
