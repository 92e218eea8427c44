import assert from "node:assert/strict";
import { ConfigError } from "./config_error.ts";
import { resolveSettings } from "./settings.ts";

const none = () => undefined;

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
