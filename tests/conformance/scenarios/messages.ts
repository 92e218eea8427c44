/** Scenarios of the conversation itself: text, system prompts, limits and sampling, effort, media. */
import assert from "node:assert/strict";
import type { Scenario } from "../_scenario.ts";
import type { SentPart } from "../wire/kit.ts";
import { HELLO, hi, IMAGE, one, partsOf, PDF, text, texts, usage } from "./_common.ts";

export function basics(): Scenario[] {
  return [
    one({
      request: hi,
      reply: HELLO,
      checkSent: (sent) => {
        assert.deepEqual(sent.turns, [{ role: "user", parts: [text("Hi")] }]);
        assert.equal(sent.system, "");
      },
    }, { name: "text" }),
    one({
      request: () => ({
        system: "Be brief.",
        turns: [
          { role: "user", parts: [text("Hi")] },
          { role: "assistant", parts: [text("Hello!")] },
          { role: "user", parts: [text("Weather?")] },
        ],
      }),
      reply: HELLO,
      checkSent: (sent) => {
        assert.equal(sent.system, "Be brief.");
        assert.deepEqual(sent.turns.map((t) => [t.role, texts(t.parts).join("")]), [
          ["user", "Hi"],
          ["assistant", "Hello!"],
          ["user", "Weather?"],
        ]);
      },
    }, { name: "a system prompt and earlier turns" }),
    one({
      request: () => ({ ...hi(), system: ["You are Claude Code.", "", "Be brief."] }),
      reply: HELLO,
      checkSent: (sent) => assert.equal(sent.system, "You are Claude Code.\n\nBe brief."),
    }, { name: "a system prompt in parts, one of them empty" }),
    one({
      request: () => ({
        system: "Be brief.",
        turns: [
          { role: "user", parts: [text("Hi")] },
          { role: "assistant", parts: [text("Hello.")] },
          { role: "system", text: "The user is in Oslo." },
          { role: "user", parts: [text("Weather?")] },
        ],
      }),
      reply: HELLO,
      checkSent: (sent, { uk }) => {
        if (uk.lacks["mid-conversation system message"]) {
          // No place for it in the conversation: it joins the system instruction, in order.
          assert.equal(sent.system, "Be brief.\n\nThe user is in Oslo.");
          assert.deepEqual(sent.turns.map((t) => t.role), ["user", "assistant", "user"]);
        } else {
          assert.equal(sent.system, "Be brief.");
          assert.deepEqual(sent.turns.map((t) => [t.role, texts(t.parts).join("")]), [
            ["user", "Hi"],
            ["assistant", "Hello."],
            ["system", "The user is in Oslo."],
            ["user", "Weather?"],
          ]);
        }
      },
    }, {
      name: "a system message mid-conversation",
      callerNeeds: ["mid-conversation system message"],
    }),
    one({
      request: () => ({ ...hi(), maxTokens: 99999, temperature: 0.4 }),
      reply: HELLO,
      checkSent: (sent) => {
        assert.equal(sent.maxTokens, 16000, "capped to the model's max_tokens");
        assert.equal(sent.temperature, 0.4);
      },
    }, { name: "an output limit over the cap and temperature" }),
    one({
      request: () => ({ ...hi(), stop: ["END", "###"] }),
      reply: HELLO,
      checkSent: (sent) => assert.deepEqual(sent.stop, ["END", "###"]),
    }, {
      name: "stop sequences",
      callerNeeds: ["stop sequences"],
      upstreamNeeds: ["stop sequences"],
    }),
    one({
      request: () => ({ ...hi(), maxTokens: 321, topP: 0.8 }),
      reply: HELLO,
      checkSent: (sent) => {
        assert.equal(sent.maxTokens, 321);
        assert.equal(sent.topP, 0.8);
      },
    }, { name: "an output limit under the cap and top_p" }),
    one({
      request: hi,
      reply: HELLO,
      checkSent: (sent) => assert.equal(sent.maxTokens, 16000),
    }, { name: "no output limit: the model's cap", callerNeeds: ["no output limit"] }),
    ...(["low", "high"] as const).map((effort) =>
      one({
        request: () => ({ ...hi(), effort }),
        reply: HELLO,
        checkSent: (sent) => assert.equal(sent.effort, effort),
      }, { name: `reasoning effort ${effort}` })
    ),
    one({
      request: () => ({ ...hi(), effort: "high" }),
      reply: {
        blocks: [{ type: "thinking", text: "Let me think." }, text("Sunny.")],
        stop: "end",
        usage,
      },
    }, { name: "thinking from the upstream, signed as the caller's dialect shows it" }),
  ];
}

export function media(): Scenario[] {
  const image = IMAGE;
  const url = { type: "image" as const, source: { url: "https://example.com/cat.jpg" } };
  const document = { type: "document" as const, data: PDF, filename: "spec.pdf" };
  const neutral = (parts: SentPart[]) =>
    parts.map((p) => p.type === "document" ? { type: p.type, data: p.data } : p);
  return [
    one({
      request: () => ({
        turns: [{
          role: "user",
          parts: [text("What is in these?"), image, url, document, text("")],
        }],
      }),
      reply: HELLO,
      checkSent: (sent, { caller, upstream, ck, uk }) => {
        const named = !ck.lacks["document names"] && !uk.lacks["document names"];
        const doc = partsOf(sent, "user").find((p) => p.type === "document");
        if (named) assert.equal(doc?.type === "document" && doc.filename, "spec.pdf");
        // Pass-through sends the body as written, the empty text too.
        const passed = caller === upstream ? [text("")] : [];
        assert.deepEqual(neutral(partsOf(sent, "user")), [
          text("What is in these?"),
          image,
          url,
          { type: "document", data: PDF },
          ...passed,
        ]);
      },
    }, { name: "images (base64 and URL) and a PDF, an empty text dropped" }),
    one({
      request: () => ({
        tools: [{ name: "screenshot" }],
        turns: [
          { role: "user", parts: [text("Screenshot and spec, please")] },
          {
            role: "assistant",
            parts: [{ type: "tool_call", id: "call_s1", name: "screenshot", args: {} }],
          },
          {
            role: "user",
            parts: [{
              type: "tool_result",
              callId: "call_s1",
              name: "screenshot",
              content: [text("Captured."), image, document],
            }],
          },
        ],
      }),
      reply: HELLO,
      checkSent: (sent) => {
        const after = sent.turns.at(-1)!;
        assert.equal(after.role, "user");
        const result = after.parts.find((p) => p.type === "tool_result")!;
        assert.equal(result?.type === "tool_result" && result.text, "Captured.");
        // Inside the result where the upstream's dialect allows it, else beside it.
        const carried = neutral([
          ...(result.type === "tool_result" ? result.media : []),
          ...after.parts,
        ]);
        assert.deepEqual(carried.filter((p) => p.type === "image"), [image]);
        assert.deepEqual(carried.filter((p) => p.type === "document"), [{
          type: "document",
          data: PDF,
        }]);
      },
    }, { name: "an image and a PDF inside a tool result", callerNeeds: ["media in tool results"] }),
  ];
}
