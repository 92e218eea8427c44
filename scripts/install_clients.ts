/**
 * Installs the real clients the real-client tests run (Claude Code, Gemini CLI, opencode) from
 * npm into their cache under /tmp, unless they are there already: `.ci/run` calls it so that
 * the install's time and any failure show apart from the tests. The tests install on demand too.
 *
 *   deno run --allow-all scripts/install_clients.ts
 */
import { type ClientName, CLIENTS, installClient, installDir } from "../tests/_clients.ts";

for (const name of Object.keys(CLIENTS) as ClientName[]) {
  const started = performance.now();
  const installed = await installClient(name);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const { npm, version } = CLIENTS[name];
  console.log(
    "path" in installed
      ? `${npm}@${version}: ${installDir(name)} (${seconds} s)`
      : `${npm}@${version}: not available, its tests will be skipped: ${installed.skip}`,
  );
}
