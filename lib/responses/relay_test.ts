import assert from "node:assert/strict";
import { ProxyError } from "../errors.ts";
import { relay } from "./relay.ts";

Deno.test("relay.carriesUsage() reads only the events that end a stream", () => {
  for (const event of ["response.completed", "response.incomplete", "response.failed", "error"]) {
    assert.ok(relay.carriesUsage({ event, data: "{}" }), event);
  }
  for (
    const event of ["response.created", "response.output_text.delta", "response.output_item.done"]
  ) {
    assert.ok(!relay.carriesUsage({ event, data: `{"type":"${event}"}` }), event);
  }
  // without an `event:` line, its data says
  assert.ok(relay.carriesUsage({ data: '{"type": "response.completed","response":{}}' }));
  assert.ok(!relay.carriesUsage({ data: '{"type":"response.output_text.delta","delta":"x"}' }));
  // a delta whose text names an ending is still a delta
  const quoted = JSON.stringify({ type: "response.output_text.delta", delta: '"type":"error"' });
  assert.ok(!relay.carriesUsage({ data: quoted }));
});

Deno.test("relay.isErrorEvent() knows response.failed as the upstream's own error", () => {
  assert.ok(relay.isErrorEvent!({ event: "response.failed", data: "{}" }));
  assert.ok(relay.isErrorEvent!({ data: '{"type":"response.failed","response":{}}' }));
  assert.ok(!relay.isErrorEvent!({ event: "response.completed", data: "{}" }));
});

Deno.test("relay.errorEvent() is an `error` event with the code Codex acts on", () => {
  const limited = new ProxyError("rate_limit", "Slow down");
  limited.retryAfter = "2";
  const text = relay.errorEvent(limited);
  assert.ok(text.startsWith("event: error\ndata: "), text);
  assert.deepEqual(JSON.parse(text.slice(text.indexOf("{"))), {
    type: "error",
    code: "rate_limit_exceeded",
    message: "Slow down Please try again in 2s.",
    param: null,
  });
  const lost = JSON.parse(
    relay.errorEvent(new ProxyError("bad_gateway", "Lost")).split("data: ")[1],
  );
  assert.equal(lost.code, "server_error");
  assert.equal(relay.closingAfter({ event: "response.completed", data: "{}" }), "");
});
