import assert from "node:assert/strict";
import { ProxyError } from "../errors.ts";
import { Held } from "../held.ts";
import type { UpstreamWire } from "../ir/endpoint.ts";
import { jsonBytes } from "../json/json_bytes.ts";
import type { UpstreamCall } from "../upstream/client.ts";
import { callMended } from "./call_mended.ts";

const REFUSAL = { error: { message: "proof rejected", type: "invalid_request_error" } };

/** A wire that mends a body by dropping its `proof` when the upstream says "proof rejected". */
const WIRE: UpstreamWire = {
  url: () => "https://up.example/v1/x",
  authorize: () => {},
  retry(error, body) {
    if (!error.message.includes("proof rejected") || body.proof === undefined) return undefined;
    const { proof: _, ...rest } = body;
    return { body: rest, warning: "sent again without the proof" };
  },
};

function callOf(body: Record<string, unknown>): UpstreamCall {
  return {
    url: "https://up.example/v1/x",
    headers: new Headers({ authorization: "Bearer k" }),
    body: new Held(jsonBytes(body), "body"),
    signal: new AbortController().signal,
    timeoutMs: 5000,
    errorMessage: (b: any) => b?.error?.message,
  };
}

/** A fetch that refuses every body holding a `proof`, and records what it was sent. */
function upstream() {
  const sent: any[] = [];
  const fetch = (_url: RequestInfo | URL, init?: RequestInit) => {
    const body = JSON.parse(new TextDecoder().decode(init?.body as Uint8Array));
    sent.push(body);
    const refused = body.proof !== undefined;
    return Promise.resolve(
      new Response(JSON.stringify(refused ? REFUSAL : { ok: true }), {
        status: refused ? 400 : 200,
        headers: { "content-type": "application/json" },
      }),
    );
  };
  return { sent, fetch };
}

Deno.test("callMended() sends the mended body once after a refusal the wire can mend", async () => {
  const { sent, fetch } = upstream();
  const body = { input: "hi", proof: "old" };
  const warnings: string[] = [];
  const answer = await callMended(callOf(body), WIRE, body, fetch, (w) => warnings.push(w));
  assert.equal(answer.status, 200);
  assert.deepEqual(sent, [{ input: "hi", proof: "old" }, { input: "hi" }]);
  assert.deepEqual(warnings, ["sent again without the proof"]);
  assert.equal(await answer.body.text(1000), '{"ok":true}');
});

Deno.test("callMended() lets the refusal stand without a kept body or a mend", async () => {
  for (const wire of [WIRE, { ...WIRE, retry: undefined }]) {
    const { sent, fetch } = upstream();
    const body = { input: "hi", proof: "old" };
    const kept = wire.retry ? undefined : body;
    await assert.rejects(
      () => callMended(callOf(body), wire, kept, fetch, () => assert.fail("no warning")),
      (error: ProxyError) => error.status === 400 && error.message === "proof rejected",
    );
    assert.equal(sent.length, 1);
  }
});

Deno.test("callMended() tries once: a second refusal is the caller's answer", async () => {
  const wire: UpstreamWire = {
    ...WIRE,
    // mends by sending the same body again, which is refused again
    retry: (_error, body) => ({ body, warning: "again" }),
  };
  const { sent, fetch } = upstream();
  const body = { proof: "old" };
  await assert.rejects(() => callMended(callOf(body), wire, body, fetch, () => {}), ProxyError);
  assert.equal(sent.length, 2);
});
