/**
 * `drop_params` in models.yaml: top-level body fields an upstream refuses (Claude Opus 4.7 and
 * later answer 400 to `temperature`, `top_p` and `top_k`), taken out of whatever is sent to it,
 * converted or passed through, `extra_body` included.
 */

/** Removes the named fields from `body` (in place); one warning per field that was there. */
export function dropParams(
  body: Record<string, unknown>,
  names: readonly string[],
  warnings: string[],
): Record<string, unknown> {
  for (const name of names) {
    if (body[name] === undefined) continue;
    delete body[name];
    warnings.push(`Dropped "${name}": this model does not take it (drop_params)`);
  }
  return body;
}
