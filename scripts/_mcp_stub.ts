/**
 * A stdio MCP server with one tool (`lookup_word`), for making Codex declare an MCP `namespace`
 * tool offline. Newline-delimited JSON-RPC: `initialize`, `tools/list`, `tools/call`.
 */
const encoder = new TextEncoder();

function send(message: unknown): void {
  Deno.stdout.writeSync(encoder.encode(JSON.stringify(message) + "\n"));
}

const TOOL = {
  name: "lookup_word",
  description: "Looks a word up in the stub dictionary.",
  inputSchema: {
    type: "object",
    properties: { word: { type: "string", description: "The word to look up" } },
    required: ["word"],
  },
};

function answer(message: any): unknown {
  switch (message.method) {
    case "initialize":
      return {
        protocolVersion: message.params?.protocolVersion ?? "2025-06-18",
        capabilities: { tools: {} },
        serverInfo: { name: "stub", version: "1.0.0" },
      };
    case "tools/list":
      return { tools: [TOOL] };
    case "tools/call":
      return {
        content: [{ type: "text", text: `${message.params?.arguments?.word}: a stub definition` }],
      };
    default:
      return undefined;
  }
}

let buffer = "";
for await (const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
  buffer += chunk;
  let end;
  while ((end = buffer.indexOf("\n")) >= 0) {
    const line = buffer.slice(0, end).trim();
    buffer = buffer.slice(end + 1);
    if (!line) continue;
    const message = JSON.parse(line);
    if (message.id === undefined) continue; // a notification
    const result = answer(message);
    send(
      result === undefined
        ? { jsonrpc: "2.0", id: message.id, error: { code: -32601, message: "Method not found" } }
        : { jsonrpc: "2.0", id: message.id, result },
    );
  }
}
