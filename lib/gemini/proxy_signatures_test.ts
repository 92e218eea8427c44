import assert from "node:assert/strict";
import { signatureCarryingThinking } from "../ir/signature.ts";
import { SKIP_SIGNATURE } from "./encode_contents.ts";
import { withoutProxySignatures } from "./proxy_signatures.ts";

Deno.test("withoutProxySignatures() puts the placeholder on calls the proxy signed, keeps Gemini's", () => {
  const carried = signatureCarryingThinking("DeepSeek's reasoning");
  const user = { role: "user", parts: [{ text: "hi" }] };
  const contents: any[] = [
    user,
    {
      role: "model",
      parts: [
        { text: "Listing.", thoughtSignature: "proxy:v1" },
        { functionCall: { name: "ls", args: {} }, thoughtSignature: carried },
      ],
    },
    {
      role: "model",
      parts: [{ functionCall: { name: "ls", args: {} }, thoughtSignature: "CiQB" }],
    },
  ];
  const { list, replaced } = withoutProxySignatures(contents);
  assert.equal(replaced, 2);
  assert.deepEqual(list, [
    user,
    {
      role: "model",
      parts: [
        { text: "Listing." },
        { functionCall: { name: "ls", args: {} }, thoughtSignature: SKIP_SIGNATURE },
      ],
    },
    contents[2],
  ]);
  assert.equal((list as unknown[])[0], user, "untouched turns are shared, not copied");
  assert.match(contents[1].parts[1].thoughtSignature, /^proxy:t1:/, "the caller's body is kept");
});

Deno.test("withoutProxySignatures() returns the same list when there is nothing to replace", () => {
  const contents = [{ role: "model", parts: [{ text: "a", thoughtSignature: "CiQB" }] }];
  assert.deepEqual(withoutProxySignatures(contents), { list: contents, replaced: 0 });
  assert.equal(withoutProxySignatures(contents).list, contents);
  assert.deepEqual(withoutProxySignatures(undefined), { list: undefined, replaced: 0 });
});
