/**
 * A request for a model that cannot read images or documents (`vision: false`): every image and
 * document part, in messages and inside tool results, becomes a text placeholder. DeepSeek and
 * Kimi answer 400 to any image part, and Claude Code replays the whole history, so one
 * screenshot would otherwise fail every later request of the session.
 */
import { type Media, mediaPlaceholder, mediaWarning } from "./media_placeholder.ts";
import type {
  Converted,
  DocumentPart,
  ImagePart,
  Message,
  Part,
  Request,
  TextPart,
} from "./types.ts";

/** The request with its media replaced; the same request when it has none. */
export function withoutMedia(request: Request): Converted<Request> {
  let replaced = 0;
  const placeholder = (part: ImagePart | DocumentPart): TextPart => {
    replaced++;
    return { type: "text", text: mediaPlaceholder(mediaOf(part)) };
  };
  const messages = request.messages.map((message): Message => {
    if (!message.content.some(holdsMedia)) return message;
    const content = message.content.map((part): Part => {
      if (part.type === "image" || part.type === "document") return placeholder(part);
      if (part.type !== "tool_result" || !holdsMedia(part)) return part;
      return {
        ...part,
        content: part.content.map((p) => p.type === "text" ? p : placeholder(p)),
      };
    });
    return { ...message, content };
  });
  if (replaced === 0) return { value: request, warnings: [] };
  return { value: { ...request, messages }, warnings: [mediaWarning(replaced)] };
}

/** True for an image or document part, or a tool result holding one. */
export function holdsMedia(part: Part): boolean {
  if (part.type === "image" || part.type === "document") return true;
  return part.type === "tool_result" && part.content.some((p) => p.type !== "text");
}

function mediaOf(part: ImagePart | DocumentPart): Media {
  const source = part.source;
  return {
    kind: part.type,
    mediaType: source.mediaType,
    ...(source.kind === "base64" ? { data: source.data } : { url: source.url }),
    ...(part.type === "document" && part.filename ? { name: part.filename } : {}),
  };
}
