/**
 * Whether an answer is a web page (a proxy's error page, an SSO login, the product's UI) where an
 * API answer was expected: the content type says so, or the body starts with markup.
 */
export function isHtml(contentType: string, text: string): boolean {
  return /html/i.test(contentType) || /^\s*</.test(text);
}

/** The page's `<title>`, trimmed; undefined when it has none or it is blank. */
export function htmlTitle(text: string): string | undefined {
  return /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim() || undefined;
}
