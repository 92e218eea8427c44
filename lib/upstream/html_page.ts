/**
 * What an HTML page says, for an error message: a CDN or gateway that answers 200 with a
 * challenge or error page instead of the API's answer is reported with the page's first words.
 */

/** The page's first words: its text without scripts, styles and tags, spaces collapsed. */
export function pageWords(html: string, max = 200): string {
  const text = html
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, " ")
    .replace(/<!--[\s\S]*?-->/g, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, " ")
    .trim();
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** True for an HTML content type (`text/html`, `application/xhtml+xml`). */
export function isHtml(contentType: string | null): boolean {
  return /^\s*(?:text\/html|application\/xhtml\+xml)\b/i.test(contentType ?? "");
}
