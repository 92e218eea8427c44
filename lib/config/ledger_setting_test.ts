import assert from "node:assert/strict";
import {
  redactUrl,
  resolveAdminToken,
  resolveLedger,
  resolveLedgerDays,
} from "./ledger_setting.ts";

Deno.test("resolveLedger(): usage.sqlite beside config.json unless told otherwise", () => {
  assert.deepEqual(resolveLedger(undefined, "config.json"), {
    kind: "sqlite",
    path: "usage.sqlite",
  });
  assert.deepEqual(resolveLedger(undefined, "/etc/proxy/config.json"), {
    kind: "sqlite",
    path: "/etc/proxy/usage.sqlite",
  });
  assert.deepEqual(resolveLedger("data/u.db", "conf/config.json"), {
    kind: "sqlite",
    path: "conf/data/u.db",
  });
  assert.deepEqual(resolveLedger("/var/u.db", "conf/config.json"), {
    kind: "sqlite",
    path: "/var/u.db",
  });
  assert.deepEqual(resolveLedger(false, "config.json"), { kind: "off" });
  const url = "postgres://proxy:s3cret@db.internal:5432/usage";
  assert.deepEqual(resolveLedger(url, "config.json"), { kind: "postgres", url });
});

Deno.test("resolveLedger() refuses other values without echoing a URL's password", () => {
  assert.throws(
    () => resolveLedger(0, "c.json"),
    /"ledger" must be false, a file path or a postgres/,
  );
  assert.throws(() => resolveLedger("", "c.json"), /"ledger" must be false/);
  assert.throws(() => resolveLedger("mysql://u:pw@h/db", "c.json"), /not another kind of URL/);
  assert.throws(
    () => resolveLedger("postgres://u:hunter22@/db", "c.json"),
    (error: Error) =>
      /not a valid postgres/.test(error.message) && !error.message.includes("hunter22"),
  );
});

Deno.test("resolveLedgerDays() and resolveAdminToken() check their values", () => {
  assert.equal(resolveLedgerDays(undefined, "c.json"), 90);
  assert.equal(resolveLedgerDays(7, "c.json"), 7);
  assert.throws(() => resolveLedgerDays(1.5, "c.json"), /whole number of days/);
  assert.equal(resolveAdminToken(undefined, "c.json"), undefined);
  assert.equal(resolveAdminToken("0123456789abcdef", "c.json"), "0123456789abcdef");
  assert.throws(() => resolveAdminToken("short", "c.json"), /at least 16 characters/);
  assert.throws(() => resolveAdminToken("0123456789 abcdef", "c.json"), /without spaces/);
});

Deno.test("redactUrl() hides a password", () => {
  assert.equal(redactUrl("postgres://u:pw@h:5432/db"), "postgres://u:***@h:5432/db");
  assert.equal(redactUrl("postgres://h/db"), "postgres://h/db");
});
