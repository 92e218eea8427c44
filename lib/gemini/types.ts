/**
 * Gemini generateContent wire types, spelled as on the wire (camelCase). Inbound shapes are
 * lenient: every field optional, since both callers and upstreams leave things out.
 */

export interface GeminiBlob {
  mimeType?: string;
  data?: string;
}

export interface GeminiFileData {
  mimeType?: string;
  fileUri?: string;
}

export interface GeminiFunctionCall {
  id?: string;
  name?: string;
  args?: Record<string, unknown>;
}

export interface GeminiFunctionResponse {
  id?: string;
  name?: string;
  response?: Record<string, unknown>;
  /** Gemini 3 multimodal function responses. */
  parts?: GeminiPart[];
}

export interface GeminiPart {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  inlineData?: GeminiBlob;
  fileData?: GeminiFileData;
  functionCall?: GeminiFunctionCall;
  functionResponse?: GeminiFunctionResponse;
  executableCode?: unknown;
  codeExecutionResult?: unknown;
  /** Gemini 3's server-side tool calls (a search), with `includeServerSideToolInvocations`. */
  toolCall?: unknown;
  toolResponse?: unknown;
}

export interface GeminiContent {
  role?: string;
  parts?: GeminiPart[];
}

export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
  parametersJsonSchema?: unknown;
}

export interface GeminiTool {
  functionDeclarations?: GeminiFunctionDeclaration[];
  /** Grounding with Google Search; the Gemini API takes no option the proxy could fill. */
  googleSearch?: Record<string, never>;
}

export type GeminiFunctionCallingMode = "AUTO" | "ANY" | "NONE" | "VALIDATED";

export interface GeminiToolConfig {
  functionCallingConfig?: {
    mode?: GeminiFunctionCallingMode;
    allowedFunctionNames?: string[];
  };
  /** Gemini 3 needs it to search and call functions in one request. */
  includeServerSideToolInvocations?: boolean;
}

export type GeminiThinkingLevel = "MINIMAL" | "LOW" | "MEDIUM" | "HIGH";

export interface GeminiThinkingConfig {
  includeThoughts?: boolean;
  thinkingBudget?: number;
  thinkingLevel?: GeminiThinkingLevel;
}

export interface GeminiGenerationConfig {
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stopSequences?: string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  candidateCount?: number;
  responseMimeType?: string;
  responseSchema?: Record<string, unknown>;
  responseJsonSchema?: unknown;
  thinkingConfig?: GeminiThinkingConfig;
}

/** The body of `generateContent` / `streamGenerateContent`. */
export interface GeminiRequest {
  contents: GeminiContent[];
  systemInstruction?: GeminiContent;
  tools?: GeminiTool[];
  toolConfig?: GeminiToolConfig;
  generationConfig?: GeminiGenerationConfig;
}

export interface GeminiUsageMetadata {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  cachedContentTokenCount?: number;
  toolUsePromptTokenCount?: number;
  totalTokenCount?: number;
}

export interface GeminiGroundingChunk {
  web?: { uri?: string; title?: string };
}

export interface GeminiGroundingSupport {
  segment?: { startIndex?: number; endIndex?: number; partIndex?: number; text?: string };
  groundingChunkIndices?: number[];
  confidenceScores?: number[];
}

/** What a Google Search grounding found and which parts of the answer it supports. */
export interface GeminiGroundingMetadata {
  webSearchQueries?: string[];
  groundingChunks?: GeminiGroundingChunk[];
  groundingSupports?: GeminiGroundingSupport[];
  searchEntryPoint?: unknown;
}

export interface GeminiCandidate {
  content?: GeminiContent;
  finishReason?: string;
  index?: number;
  groundingMetadata?: GeminiGroundingMetadata;
}

/** One answer, or one chunk of a streamed answer. */
export interface GeminiResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: { blockReason?: string };
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
  error?: GeminiErrorDetail;
}

export interface GeminiErrorDetail {
  code?: number;
  message?: string;
  status?: string;
}

/** `{"error": {...}}`, the envelope of every Gemini error. */
export interface GeminiErrorBody {
  error: { code: number; message: string; status: string };
}
