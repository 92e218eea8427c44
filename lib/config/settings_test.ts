import assert from "node:assert/strict";
import { ConfigError } from "./config_error.ts";
import { resolveSettings } from "./settings.ts";

const none = () => undefined;

Deno.test("resolveSettings() reads the timeouts of config.json, with their defaults", () => {
  const defaults = resolveSettings({}, none, {}, "config.json");
  assert.equal(defaults.totalTimeoutSeconds, 0, "no deadline unless set");
  assert.equal(defaults.clientHeaderTimeoutSeconds, 10);
  assert.equal(defaults.clientBodyTimeoutSeconds, 60);
  assert.equal(defaults.keepaliveTimeoutSeconds, 60);
  const set = resolveSettings({}, none, {
    total_timeout_seconds: 900,
    client_header_timeout_seconds: 5,
    client_body_timeout_seconds: 30,
    keepalive_timeout_seconds: 15,
  }, "config.json");
  assert.equal(set.totalTimeoutSeconds, 900);
  assert.equal(set.clientHeaderTimeoutSeconds, 5);
  assert.equal(set.clientBodyTimeoutSeconds, 30);
  assert.equal(set.keepaliveTimeoutSeconds, 15);
  assert.throws(
    () => resolveSettings({}, none, { keepalive_timeout_seconds: 0 }, "config.json"),
    ConfigError,
  );
  assert.throws(
    () => resolveSettings({}, none, { total_timeout_seconds: -1 }, "config.json"),
    ConfigError,
  );
});

Deno.test("resolveSettings() reads allowed_hosts, empty by default", () => {
  assert.deepEqual(resolveSettings({}, none, {}, "config.json").allowedHosts, []);
  const settings = resolveSettings({}, none, { allowed_hosts: ["proxy.lan"] }, "config.json");
  assert.deepEqual(settings.allowedHosts, ["proxy.lan"]);
  for (const bad of ["proxy.lan", [""], [5]]) {
    assert.throws(
      () => resolveSettings({}, none, { allowed_hosts: bad }, "config.json"),
      ConfigError,
      JSON.stringify(bad),
    );
  }
});
