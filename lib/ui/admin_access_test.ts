import assert from "node:assert/strict";
import { ADMIN_COOKIE, adminAccess, isLoopback } from "./admin_access.ts";

const TOKEN = "0123456789abcdef0123";
const url = (path: string) => new URL(`http://proxy.lan:8082${path}`);

Deno.test("isLoopback() knows the addresses only this machine reaches", () => {
  for (const host of ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"]) {
    assert.ok(isLoopback(host), host);
  }
  for (const host of ["0.0.0.0", "::", "192.168.1.5", "proxy.lan"]) {
    assert.ok(!isLoopback(host), host);
  }
});

Deno.test("adminAccess(): open on loopback, with or without a token", () => {
  assert.deepEqual(adminAccess("127.0.0.1", undefined, new Headers(), url("/ui")), { ok: true });
  assert.deepEqual(adminAccess("127.0.0.1", TOKEN, new Headers(), url("/api/usage")), { ok: true });
});

Deno.test("adminAccess(): off beyond loopback without admin_token", () => {
  const access = adminAccess(
    "0.0.0.0",
    undefined,
    new Headers({ authorization: "Bearer x" }),
    url("/ui"),
  );
  assert.equal(access.ok, false);
  assert.equal(!access.ok && access.status, 403);
});

Deno.test("adminAccess(): beyond loopback, the token as a bearer, a cookie, or once in /ui?token=", () => {
  const bearer = new Headers({ authorization: `Bearer ${TOKEN}` });
  assert.deepEqual(adminAccess("0.0.0.0", TOKEN, bearer, url("/api/usage")), { ok: true });
  const cookie = new Headers({ cookie: `theme=dark; ${ADMIN_COOKIE}=${TOKEN}` });
  assert.deepEqual(adminAccess("0.0.0.0", TOKEN, cookie, url("/api/events")), { ok: true });
  const query = adminAccess("0.0.0.0", TOKEN, new Headers(), url(`/ui?token=${TOKEN}`));
  assert.ok(query.ok && "cookie" in query && query.cookie.includes("HttpOnly"));
  // Only /ui takes it from the address: /api/* would leave it in logs and histories.
  assert.equal(
    adminAccess("0.0.0.0", TOKEN, new Headers(), url(`/api/usage?token=${TOKEN}`)).ok,
    false,
  );
  for (const wrong of ["Bearer nope", `Bearer ${TOKEN}x`, ""]) {
    const access = adminAccess("0.0.0.0", TOKEN, new Headers({ authorization: wrong }), url("/ui"));
    assert.equal(!access.ok && access.status, 401, wrong);
  }
});
