/**
 * Writing storage format: every string that reaches the output goes through one of these, so the result is
 * well-formed XML whatever the input held.
 */

/**
 * Characters XML 1.0 does not allow anywhere, even escaped: C0 controls other than tab, line feed and carriage
 * return, lone surrogates, and the non-characters U+FFFE and U+FFFF.
 */
export const INVALID_XML_CHARS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these control characters are exactly what XML forbids
  /[\0-\x08\v\f\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The text without characters XML cannot hold; lone surrogates become U+FFFD. */
export function xmlSafe(text: string): string {
  return text.replace(INVALID_XML_CHARS, (char) =>
    char.length === 1 && char >= '\ud800' && char <= '\udfff' ? '\ufffd' : '',
  );
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Escapes text for element content or a double-quoted attribute value; no named entity beyond XML's own. */
export function escapeXml(text: string): string {
  return xmlSafe(text).replace(/[&<>"]/g, (char) => ESCAPES[char] ?? char);
}

/** A CDATA section holding the text exactly, split around each `]]>` the way Confluence does. */
export function cdata(text: string): string {
  return `<![CDATA[${xmlSafe(text).split(']]>').join(']]]]><![CDATA[>')}]]>`;
}

/** Attributes as ` name="value"`, skipping undefined values. */
export function attributes(attrs: Readonly<Record<string, string | undefined>>): string {
  let out = '';
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== undefined) out += ` ${name}="${escapeXml(value)}"`;
  }
  return out;
}

/** An element with content, or self-closed when the content is empty. */
export function element(
  name: string,
  attrs: Readonly<Record<string, string | undefined>>,
  content: string,
): string {
  return content === ''
    ? `<${name}${attributes(attrs)} />`
    : `<${name}${attributes(attrs)}>${content}</${name}>`;
}

/** `<ac:parameter ac:name="…">value</ac:parameter>`. */
export function macroParameter(name: string, value: string): string {
  return `<ac:parameter ac:name="${escapeXml(name)}">${escapeXml(value)}</ac:parameter>`;
}

/** A structured macro with parameters (in order) and an optional body already in storage form. */
export function structuredMacro(
  name: string,
  parameters: readonly (readonly [string, string])[],
  body?: { readonly kind: 'rich' | 'plain'; readonly storage: string },
): string {
  const params = parameters.map(([key, value]) => macroParameter(key, value)).join('');
  let bodyStorage = '';
  if (body?.kind === 'rich') bodyStorage = `<ac:rich-text-body>${body.storage}</ac:rich-text-body>`;
  else if (body?.kind === 'plain') bodyStorage = `<ac:plain-text-body>${body.storage}</ac:plain-text-body>`;
  return `<ac:structured-macro ac:name="${escapeXml(name)}" ac:schema-version="1">${params}${bodyStorage}</ac:structured-macro>`;
}
