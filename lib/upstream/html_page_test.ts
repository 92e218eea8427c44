import assert from "node:assert/strict";
import { isHtml, pageWords } from "./html_page.ts";

Deno.test("pageWords() gives a page's text without scripts, styles and tags", () => {
  const page = `<!DOCTYPE html><html><head><title>Just a moment...</title>
    <style>body { color: red }</style><script>var a = "<b>";</script></head>
    <body><!-- challenge --><h1>Checking your browser &amp; connection</h1></body></html>`;
  assert.equal(pageWords(page), "Just a moment... Checking your browser & connection");
  assert.equal(pageWords("<p>" + "word ".repeat(100) + "</p>", 20), "word word word word …");
});

Deno.test("isHtml() knows HTML content types", () => {
  assert.ok(isHtml("text/html; charset=UTF-8"));
  assert.ok(isHtml("application/xhtml+xml"));
  assert.ok(!isHtml("text/event-stream"));
  assert.ok(!isHtml("application/json"));
  assert.ok(!isHtml(null));
});
