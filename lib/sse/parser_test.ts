import assert from "node:assert/strict";
import { SseParser } from "./parser.ts";
import { encodeSse } from "./encoder.ts";

function parseAll(chunks: string[]) {
  const parser = new SseParser();
  const events = chunks.flatMap((c) => parser.push(c));
  return [...events, ...parser.end()];
}

Deno.test("SseParser reads LF, CR and CRLF line ends alike", () => {
  for (const eol of ["\n", "\r", "\r\n"]) {
    const events = parseAll([`event: a${eol}data: 1${eol}${eol}data: 2${eol}${eol}`]);
    assert.deepEqual(events, [{ event: "a", data: "1" }, { data: "2" }], JSON.stringify(eol));
  }
});

Deno.test("SseParser keeps a CRLF split across chunks as one line end", () => {
  const events = parseAll(["data: x\r", "\n\r", "\ndata: y\r\n\r\n"]);
  assert.deepEqual(events, [{ data: "x" }, { data: "y" }]);
});

Deno.test("SseParser joins an event split at every byte position", () => {
  const text = 'event: message_start\r\ndata: {"a":"é€"}\r\n\r\ndata: [DONE]\n\n';
  for (let cut = 0; cut <= text.length; cut++) {
    const events = parseAll([text.slice(0, cut), text.slice(cut)]);
    assert.deepEqual(events, [{ event: "message_start", data: '{"a":"é€"}' }, {
      data: "[DONE]",
    }], `cut at ${cut}`);
  }
});

Deno.test("SseParser drops a leading BOM, comments and unknown fields", () => {
  const events = parseAll(["\ufeff: keep-alive\nretry: 10\nfoo: bar\ndata: 1\n\n"]);
  assert.deepEqual(events, [{ data: "1" }]);
});

Deno.test("SseParser joins multi-line data with newlines", () => {
  assert.deepEqual(parseAll(["data: a\ndata:b\ndata\n\n"]), [{ data: "a\nb\n" }]);
});

Deno.test("SseParser takes field:value with or without the space, and only one space", () => {
  assert.deepEqual(parseAll(["data:x\n\ndata:  y\n\n"]), [{ data: "x" }, { data: " y" }]);
});

Deno.test("SseParser delivers the last event at end of input without a blank line", () => {
  assert.deepEqual(parseAll(["data: 1\n\ndata: last"]), [{ data: "1" }, { data: "last" }]);
});

Deno.test("SseParser skips events without data and keeps ids", () => {
  assert.deepEqual(parseAll(["event: ping\n\nid: 7\ndata: x\n\n"]), [{ data: "x", id: "7" }]);
});

Deno.test("encodeSse() writes one data line per line and round-trips through SseParser", () => {
  assert.equal(encodeSse('{"a":1}', "message_stop"), 'event: message_stop\ndata: {"a":1}\n\n');
  const text = encodeSse("line1\nline2\r\nline3");
  assert.equal(text, "data: line1\ndata: line2\ndata: line3\n\n");
  assert.deepEqual(parseAll([text]), [{ data: "line1\nline2\nline3" }]);
});

Deno.test("SseParser reads a long line sent in many small chunks in linear time", () => {
  const parser = new SseParser();
  const started = performance.now();
  parser.push("data: ");
  for (let i = 0; i < 20_000; i++) parser.push("x".repeat(1000));
  assert.equal(parser.pendingLength, 20_000_006);
  const events = parser.push("\n\n");
  assert.equal(events[0].data.length, 20_000_000);
  assert.equal(parser.pendingLength, 0);
  assert.ok(performance.now() - started < 5000, "no rescanning of the held line");
});

Deno.test("SseParser.pendingLength counts data lines of an unfinished event", () => {
  const parser = new SseParser();
  parser.push("data: abc\ndata: de\nda");
  assert.equal(parser.pendingLength, 5 + 2);
  parser.push("ta: f\n\n");
  assert.equal(parser.pendingLength, 0);
});

/** The standard's reading of a whole stream, line by line: the reference for the test below. */
function referenceParse(text: string) {
  const lines = text.replace(/^\ufeff/, "").split(/\r\n|\r|\n/);
  const events: Array<{ event?: string; data: string; id?: string }> = [];
  let data: string[] = [];
  let event: string | undefined;
  let id: string | undefined;
  const dispatch = () => {
    if (data.length > 0) {
      events.push({
        data: data.join("\n"),
        ...(event !== undefined ? { event } : {}),
        ...(id !== undefined ? { id } : {}),
      });
    }
    data = [];
    event = undefined;
  };
  // The text after the last line end is a line too: the stream's end delivers it.
  for (const line of lines) {
    if (line === "") dispatch();
    else if (!line.startsWith(":")) {
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "data") data.push(value);
      if (field === "event") event = value;
      if (field === "id" && !value.includes("\0")) id = value;
    }
  }
  dispatch();
  return events;
}

Deno.test("SseParser reads a stream split anywhere (empty reads too) as the standard reads it whole", () => {
  // A small deterministic generator (the high bits of an LCG), so a failure names a round that
  // reproduces it.
  let seed = 7;
  const random = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    return (seed >>> 16) % n;
  };
  const ends = ["\n", "\r", "\r\n"];
  const fields = [
    "data: a",
    "data:b",
    "event: e",
    ": note",
    "id: 3",
    "data",
    "data: é€",
    "data: 😀",
  ];
  for (let round = 0; round < 500; round++) {
    let text = random(10) === 0 ? "\ufeff" : "";
    for (let line = random(12); line >= 0; line--) {
      const long = random(20) === 0 ? "x".repeat(5000) : "";
      text += (random(4) === 0 ? "" : fields[random(fields.length)] + long) + ends[random(3)];
    }
    const chunks: string[] = [];
    for (let at = 0; at < text.length;) {
      const size = random(7); // 0: an empty read
      chunks.push(text.slice(at, at + size));
      at += size;
    }
    const expected = referenceParse(text);
    assert.deepEqual(parseAll([text]), expected, `round ${round}, whole`);
    assert.deepEqual(parseAll(chunks), expected, `round ${round}: ${JSON.stringify(chunks)}`);
  }
});

Deno.test("SseParser counts comment lines for keep-alives, and takeComments() starts again", () => {
  const parser = new SseParser();
  assert.deepEqual(parser.push(": OPENROUTER PROCESSING\n\n: again\n\n"), []);
  assert.equal(parser.takeComments(), 2);
  assert.equal(parser.takeComments(), 0);
  assert.equal(parser.push('data: {"a":1}\n\n').length, 1);
  assert.equal(parser.takeComments(), 0);
});
