import assert from "node:assert/strict";
import { CODECS, DEFAULT_DIALECT, DEFAULT_UPSTREAM, DIALECTS } from "./dialects.ts";

const LIB = new URL("./", import.meta.url);

/** The dialect folders: the folders of lib/ with a mod.ts (registered or not yet). */
function dialectFolders(): string[] {
  const names: string[] = [];
  for (const entry of Deno.readDirSync(LIB)) {
    if (!entry.isDirectory) continue;
    try {
      Deno.statSync(new URL(`${entry.name}/mod.ts`, LIB));
      names.push(entry.name);
    } catch {
      // not a dialect
    }
  }
  return names.sort();
}

/** The source files (tests aside) of a folder of lib/, or the files at lib/'s root. */
function sources(folder: URL, recurse: boolean): URL[] {
  const out: URL[] = [];
  for (const entry of Deno.readDirSync(folder)) {
    if (entry.isDirectory && recurse) {
      out.push(...sources(new URL(`${entry.name}/`, folder), true));
    } else if (entry.isFile && entry.name.endsWith(".ts") && !entry.name.endsWith("_test.ts")) {
      out.push(new URL(entry.name, folder));
    }
  }
  return out;
}

Deno.test("no dialect is named outside its folder and the registry", () => {
  const dialects = dialectFolders();
  assert.ok(dialects.length >= 3, dialects.join());
  const names = dialects.join("|");
  const literal = new RegExp(`(["'\`])(${names})\\1`);
  const imported = new RegExp(`from "(?:\\.\\./)+(?:${names})/`);
  const neutral = ["server", "upstream", "config", "ledger", "ui", "tokens", "json", "sse"];
  const files = [
    ...neutral.flatMap((folder) => sources(new URL(`${folder}/`, LIB), true)),
    ...sources(LIB, false).filter((file) => !file.pathname.endsWith("/dialects.ts")),
    new URL("../main.ts", LIB),
  ];
  assert.ok(files.length > 50, `only ${files.length} files`);
  const found: string[] = [];
  for (const file of files) {
    const lines = Deno.readTextFileSync(file).split("\n");
    lines.forEach((line, i) => {
      if (literal.test(line) || imported.test(line)) {
        found.push(`${file.pathname.split("/lib/").at(-1)}:${i + 1}: ${line.trim()}`);
      }
    });
  }
  assert.deepEqual(found, []);
});

Deno.test("CODECS: each codec carries its registry name, and defaults are registered", () => {
  for (const dialect of DIALECTS) assert.equal(CODECS[dialect].dialect, dialect);
  assert.equal(DEFAULT_DIALECT, DIALECTS[0]);
  assert.ok(DIALECTS.includes(DEFAULT_UPSTREAM));
});

Deno.test("CODECS: a dialect with a count route answers counts; a codec's parts agree", () => {
  for (const dialect of DIALECTS) {
    const codec = CODECS[dialect];
    const counts = codec.routes.routes.some((route) => route.operation === "count_tokens");
    assert.equal(counts, codec.countTokens.caller !== undefined, dialect);
    assert.ok(codec.routes.prefix.startsWith("/") && !codec.routes.prefix.endsWith("/"), dialect);
    if (codec.routes.keyHeader) assert.ok(codec.routes.headers.includes(codec.routes.keyHeader));
    for (const style of codec.config.thinkingStyles) assert.equal(typeof style, "string");
  }
});
