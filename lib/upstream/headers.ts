/**
 * The headers of an upstream call: JSON, the key as the upstream's dialect takes it (its codec's
 * `upstream.authorize`), and the model entry's `extra_headers` last. Only the entry's `api_base`
 * decides the host (its dialect's `upstream.url`); nothing from the request can change it.
 */
import type { UpstreamWire } from "../ir/endpoint.ts";

/**
 * Headers for a call to `wire`'s upstream with `key`. `callerHeaders`: the caller's request, when
 * it speaks the upstream's dialect.
 */
export function upstreamHeaders(
  wire: UpstreamWire,
  key: string,
  callerHeaders: Headers | undefined,
  extraHeaders: Readonly<Record<string, string>>,
): Headers {
  const headers = new Headers({ "content-type": "application/json" });
  wire.authorize(headers, key, callerHeaders);
  for (const name in extraHeaders) headers.set(name, extraHeaders[name]);
  return headers;
}
