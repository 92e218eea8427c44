/**
 * Keeping keys out of what the proxy writes: every error text a caller sees and every log line
 * passes through `redact`, with the credentials the request carried and every key the
 * configuration holds; log lines also lose anything shaped like a key (`sk-…`, `AIza…`).
 */

/** Secrets shorter than this are left alone: replacing a one-letter test key mangles the text. */
const MIN_SECRET = 8;

/** `text` with every secret replaced by `…` and its last four characters. */
export function redact(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= MIN_SECRET && out.includes(secret)) {
      out = out.split(secret).join(`…${secret.slice(-4)}`);
    }
  }
  return out;
}

/**
 * Key-shaped strings (`sk-…`, `AIza…`) cut to their last four characters: an upstream may echo a
 * key it was sent ("Incorrect API key provided: sk-…") that the proxy cannot name.
 */
export function maskKeyShapes(text: string): string {
  return text.replace(KEY_SHAPE, (key) => `…${key.slice(-4)}`);
}

const KEY_SHAPE = /\b(?:(?:sk|pk|rk|gsk|xai|key)[-_][A-Za-z0-9_-]{12,}|AIza[0-9A-Za-z_-]{30,})/g;

/** The credentials a request carries (its auth header values), each once. */
export function credentialsOf(headers: Headers): string[] {
  const out: string[] = [];
  for (const name of ["authorization", "x-api-key", "x-goog-api-key", "api-key"]) {
    const value = headers.get(name);
    if (!value) continue;
    const key = value.replace(/^Bearer\s+/i, "").trim();
    if (key.length >= MIN_SECRET && !out.includes(key)) out.push(key);
  }
  return out;
}
