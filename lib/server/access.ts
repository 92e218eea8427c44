/**
 * Who may use the proxy. A web page must not spend a configured key: a request whose `Origin` is
 * neither the proxy's own nor listed in `cors` is refused (a cross-site `fetch` with `no-cors`
 * needs no preflight, so CORS headers alone do not stop it), and so is one whose `Host` names a
 * domain that is not `localhost` or listed in `allowed_hosts` (DNS rebinding: a page on
 * `evil.example` made to resolve to 127.0.0.1 is then same-origin with the proxy). IP literals
 * are always accepted, as Vite's `server.allowedHosts` does.
 *
 * Routing uses the request line's path only. Deno builds `request.url` from the Host header, so a
 * Host such as `127.0.0.1:8082/anthropic/v1/stats?` would move the route (or carry `?key=`): the
 * Host is checked to be `host[:port]` before `request.url` is trusted.
 */
import { ProxyError } from "../errors.ts";

/** A host name, IPv4 address or bracketed IPv6 address, and an optional port. */
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_.])?)(?::\d{1,5})?$/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/**
 * The request's URL, whose path is the request line's; with a refusal when its Host header is
 * not `host[:port]` (400) or names a domain that is not allowed (403).
 */
export function requestUrl(
  request: Request,
  allowedHosts: readonly string[],
): { url: URL; refused?: ProxyError } {
  const host = request.headers.get("host");
  if (host && !HOST.test(host)) {
    // Deno wrote `http://` + the Host + the request target: the target is what is left.
    const prefix = `http://${host}`;
    const target = request.url.startsWith(prefix) ? request.url.slice(prefix.length) : "/";
    return {
      url: safeUrl(target.startsWith("/") ? target.replace(/[?#].*$/s, "") : "/"),
      refused: new ProxyError(
        "invalid_request",
        "The Host header must be a host name or address with an optional port",
      ),
    };
  }
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return {
      url: safeUrl("/"),
      refused: new ProxyError("invalid_request", "The request target is not a valid URL"),
    };
  }
  if (!host || hostAllowed(host, allowedHosts)) return { url };
  const name = hostName(host);
  return {
    url,
    refused: new ProxyError(
      "permission",
      `Host "${name}" is not allowed: add it to "allowed_hosts" in config.json to serve it`,
    ),
  };
}

/** A refusal when the request's Origin is neither the proxy's own nor allowed by `cors`. */
export function originRefusal(headers: Headers, cors: readonly string[]): ProxyError | undefined {
  const origin = headers.get("origin");
  if (origin === null || cors.includes("*") || cors.includes(origin)) return undefined;
  const host = headers.get("host")?.toLowerCase();
  const own = origin.toLowerCase();
  if (host && (own === `http://${host}` || own === `https://${host}`)) return undefined;
  return new ProxyError(
    "permission",
    `Origin ${JSON.stringify(origin.slice(0, 200))} is not allowed: list it in "cors" in ` +
      "config.json to let that page use the proxy",
  );
}

function hostAllowed(host: string, allowed: readonly string[]): boolean {
  const name = hostName(host);
  if (name.startsWith("[") || IPV4.test(name)) return true;
  if (name === "localhost" || name.endsWith(".localhost")) return true;
  return allowed.some((entry) => {
    const domain = entry.toLowerCase().replace(/\.$/, "");
    // `.example.com` also allows every subdomain, as Vite's allowedHosts does.
    return domain.startsWith(".")
      ? name === domain.slice(1) || name.endsWith(domain)
      : name === domain;
  });
}

/** The host without its port and trailing dot, lower-cased. */
function hostName(host: string): string {
  const name = host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.split(":")[0];
  return name.toLowerCase().replace(/\.$/, "");
}

function safeUrl(path: string): URL {
  try {
    return new URL(path, "http://localhost");
  } catch {
    return new URL("http://localhost/");
  }
}
