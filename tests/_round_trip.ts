/**
 * One real client's tool round trip through the real proxy (`deno run main.ts`) to a scripted
 * mock upstream of another dialect, with a relay that keeps what the client sent and a
 * tripwire that keeps where else it tried to go. Everything runs on 127.0.0.1.
 */
import { startProxyProcess } from "../bench/_processes.ts";
import type { Mock, Received } from "./_harness.ts";
import { type ClientSetup, type SetupOptions } from "./_client_setups.ts";
import { baseEnv, type ClientRun, type Program, run, startTripwire } from "./_clients.ts";
import { type Relayed, startRecordingRelay } from "./_recording_relay.ts";
import { type Dialect, type Script, startScriptedUpstream } from "./_scripted_upstream.ts";

/** A client run is stopped after this long; each takes 1–8 s here. */
export const CLIENT_TIMEOUT_MS = 60_000;

export interface RoundTrip {
  run: ClientRun;
  /** What the client sent the proxy. */
  client: Relayed[];
  /** What the proxy sent the mock upstream. */
  upstream: Received[];
  /** What the proxy sent the second upstream, that of a router's rule (`route.routed`). */
  routed: Received[];
  /** Requests the client tried to make off this machine (through its HTTP(S) proxy). */
  offMachine: string[];
  script: Script;
  /** What the tool's result must hold (what the command prints when a shell runs it). */
  expectedResult: string;
}

/** What the model asks for, and what the tool's result must then hold. */
export interface Scripted {
  script: Script;
  expectedResult: string;
}

/** A shell call whose output cannot be guessed from the command's text. */
export function shellScript(shellTool: string): Scripted {
  const nonce = crypto.randomUUID().slice(0, 8);
  return {
    script: {
      tool: shellTool,
      input: { command: `echo rt-${nonce} | tr a-z A-Z`, description: "Print the marker" },
      finalText: `The command printed its marker: round trip ${nonce} complete.`,
      thinking: `The user wants the marker; run the command for ${nonce}.`,
    },
    expectedResult: `RT-${nonce.toUpperCase()}`,
  };
}

/** Where the client's model name goes. */
export interface Route {
  model: string;
  modelName?: string;
  aliases?: string[];
  /**
   * `model` is a router instead: the requests its one rule (`when`, YAML) takes go to a second
   * scripted upstream of `dialect` (on its own key), the others to the first.
   */
  routed?: { dialect: Dialect; when: string; modelName: string };
}

/**
 * Runs `setup` (built for the proxy's address) against a proxy whose models.yaml routes
 * `model` (and `aliases`) to a mock upstream of `dialect` playing `scripted`.
 */
export async function roundTrip(
  program: Program,
  dialect: Dialect,
  scripted: Scripted,
  route: Route,
  setup: (options: SetupOptions) => ClientSetup,
): Promise<RoundTrip> {
  const { script, expectedResult } = scripted;
  const upstream = startScriptedUpstream(dialect, script);
  const second = route.routed && startScriptedUpstream(route.routed.dialect, script);
  const proxy = await startProxyProcess(modelsYaml(route, dialect, upstream, second), {
    log_level: "warning",
  });
  const relay = startRecordingRelay(proxy.url);
  const tripwire = startTripwire();
  const home = await Deno.makeTempDir({ prefix: "real-client-home-" });
  const work = await Deno.makeTempDir({ prefix: "real-client-work-" });
  try {
    const client = setup({
      proxy: relay.url,
      key: `sk-client-${crypto.randomUUID().slice(0, 8)}`,
      model: route.model,
      prompt: "Run the marker command and tell me what it printed.",
    });
    for (const [path, text] of Object.entries(client.homeFiles)) {
      const full = `${home}/${path}`;
      await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
      await Deno.writeTextFile(full, text);
    }
    const env = { ...baseEnv(home, tripwire.url), TMPDIR: home, ...client.env };
    const result = await run(program.path, client.args, { env, cwd: work }, CLIENT_TIMEOUT_MS);
    const trip = {
      run: result,
      client: relay.received,
      upstream: upstream.received,
      routed: second?.received ?? [],
      offMachine: tripwire.attempts,
      script,
      expectedResult,
    };
    const recordDir = Deno.env.get("REAL_CLIENTS_RECORD");
    if (recordDir) await record(`${recordDir}/${client.name}-${dialect}-${script.tool}.json`, trip);
    return trip;
  } finally {
    tripwire.close();
    await relay.close();
    await proxy.stop();
    await upstream.close();
    await second?.close();
    await Deno.remove(home, { recursive: true });
    await Deno.remove(work, { recursive: true });
  }
}

function apiBase(dialect: Dialect, upstream: Mock): string {
  return dialect === "openai"
    ? `${upstream.url}/v1`
    : dialect === "gemini"
    ? `${upstream.url}/v1beta`
    : upstream.url;
}

/** The entry for `route`, or a router and its two entries. */
function modelsYaml(route: Route, dialect: Dialect, upstream: Mock, second?: Mock): string {
  const entry = (id: string, modelName: string, d: Dialect, mock: Mock) =>
    `- model_id: ${id}
  model_name: ${modelName}
  api_base: ${apiBase(d, mock)}
  format: ${d}
`;
  const aliases = JSON.stringify(route.aliases ?? []);
  if (!route.routed || !second) {
    return `${
      entry(route.model, route.modelName ?? route.model, dialect, upstream)
    }  aliases: ${aliases}\n`;
  }
  const { routed } = route;
  return `- model_id: ${route.model}
  aliases: ${aliases}
  route:
    - when: ${routed.when}
      to: routed
    - to: main
${entry("main", route.modelName ?? route.model, dialect, upstream)}${
    entry("routed", routed.modelName, routed.dialect, second)
  }  api_key: sk-routed-own-key
`;
}

/**
 * Writes what the client and the upstream received, and what the client printed, as JSON:
 * `REAL_CLIENTS_RECORD=<folder>` keeps every run's, to read when a client version changes.
 */
async function record(path: string, trip: RoundTrip): Promise<void> {
  const bodies = (requests: Received[]) =>
    requests.map((req) => ({
      method: req.method,
      path: req.path + req.search,
      headers: Object.fromEntries(req.headers),
      body: req.json ?? req.body,
    }));
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  await Deno.writeTextFile(
    path,
    JSON.stringify(
      {
        run: trip.run,
        offMachine: trip.offMachine,
        client: bodies(trip.client),
        upstream: bodies(trip.upstream),
      },
      null,
      1,
    ),
  );
}

/** For assertion messages: how the client run ended and the last lines it printed. */
export function describeRun(run: ClientRun): string {
  const tail = (text: string) => text.trim().split("\n").slice(-15).join("\n");
  return `exit ${run.code}${run.timedOut ? " (timed out)" : ""} after ${run.ms} ms\n` +
    `stdout: ${tail(run.stdout)}\nstderr: ${tail(run.stderr)}`;
}
