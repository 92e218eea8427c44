/**
 * Builds an OpenAI Responses API event stream as a mock upstream would send it: `event:` lines,
 * `sequence_number` from 0, `response.created` → `response.in_progress` → per output item
 * `output_item.added`, its deltas, `output_item.done` with the whole item → `response.completed`
 * with usage. For tests that stand in for a Responses server (Codex reads only some of these).
 */

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details?: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details?: { reasoning_tokens: number };
  total_tokens: number;
}

export interface ResponsesStreamOptions {
  id?: string;
  model?: string;
  /** `null` sends a `response.completed` without usage. */
  usage?: ResponsesUsage | null;
  /** How the stream ends; `none` stops after the last item, as a cut connection would. */
  end?: "completed" | "incomplete" | "failed" | "none";
  /** For `end: "failed"`. */
  error?: { code: string; message: string };
}

const DEFAULT_USAGE: ResponsesUsage = {
  input_tokens: 120,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens: 12,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: 132,
};

type Item = Record<string, any>;
type Event = Record<string, unknown> & { type: string };

/** The item as `output_item.added` shows it: in progress, before any of its content. */
function opened(item: Item): Item {
  const start: Item = { ...item, status: "in_progress" };
  switch (item.type) {
    case "message":
      start.content = [];
      break;
    case "function_call":
      start.arguments = "";
      break;
    case "custom_tool_call":
      start.input = "";
      break;
    case "reasoning":
      start.summary = [];
      delete start.encrypted_content;
      delete start.status;
      break;
  }
  return start;
}

function contentEvents(item: Item, at: { output_index: number; item_id: string }): Event[] {
  switch (item.type) {
    case "message":
      return item.content.flatMap((part: Item, content_index: number) => [
        {
          type: "response.content_part.added",
          ...at,
          content_index,
          part: { ...part, text: "" },
        },
        { type: "response.output_text.delta", ...at, content_index, delta: part.text },
        { type: "response.output_text.done", ...at, content_index, text: part.text },
        { type: "response.content_part.done", ...at, content_index, part },
      ]);
    case "function_call":
      return [
        { type: "response.function_call_arguments.delta", ...at, delta: item.arguments },
        { type: "response.function_call_arguments.done", ...at, arguments: item.arguments },
      ];
    case "custom_tool_call":
      return [
        { type: "response.custom_tool_call_input.delta", ...at, delta: item.input },
        { type: "response.custom_tool_call_input.done", ...at, input: item.input },
      ];
    case "reasoning":
      return item.summary.flatMap((part: Item, summary_index: number) => [
        {
          type: "response.reasoning_summary_part.added",
          ...at,
          summary_index,
          part: { ...part, text: "" },
        },
        { type: "response.reasoning_summary_text.delta", ...at, summary_index, delta: part.text },
        { type: "response.reasoning_summary_text.done", ...at, summary_index, text: part.text },
        { type: "response.reasoning_summary_part.done", ...at, summary_index, part },
      ]);
    default:
      return [];
  }
}

/** The SSE text of one whole response carrying `items` as its output, in order. */
export function responsesStream(items: Item[], options: ResponsesStreamOptions = {}): string {
  const id = options.id ?? "resp_mock";
  const base = {
    id,
    object: "response",
    created_at: 1_767_225_600,
    model: options.model ?? "mock-model",
  };
  const events: Event[] = [
    { type: "response.created", response: { ...base, status: "in_progress", output: [] } },
    { type: "response.in_progress", response: { ...base, status: "in_progress", output: [] } },
  ];
  items.forEach((item, output_index) => {
    events.push({ type: "response.output_item.added", output_index, item: opened(item) });
    events.push(...contentEvents(item, { output_index, item_id: item.id }));
    events.push({ type: "response.output_item.done", output_index, item });
  });
  const usage = options.usage === undefined ? DEFAULT_USAGE : options.usage;
  switch (options.end ?? "completed") {
    case "completed":
      events.push({
        type: "response.completed",
        response: { ...base, status: "completed", output: items, usage },
      });
      break;
    case "incomplete":
      events.push({
        type: "response.incomplete",
        response: {
          ...base,
          status: "incomplete",
          incomplete_details: { reason: "max_output_tokens" },
          output: items,
          usage,
        },
      });
      break;
    case "failed":
      events.push({
        type: "response.failed",
        response: {
          ...base,
          status: "failed",
          error: options.error ?? { code: "server_error", message: "mock failure" },
          output: [],
        },
      });
      break;
    case "none":
      break;
  }
  return events
    .map((event, sequence_number) =>
      `event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number })}\n\n`
    )
    .join("");
}
