/**
 * Stand-in link destinations for Confluence targets that have no URL in the output. Each is a scheme followed by
 * `/`-separated components; within a component `%`, `/`, `#`, `\`, `<`, `>` and line breaks are percent-encoded,
 * so `decodeURIComponent` on each component restores it exactly and the form is unambiguous.
 */
export type ReferenceScheme =
  | 'confluence-page'
  | 'confluence-blog-post'
  | 'confluence-attachment'
  | 'confluence-space'
  | 'confluence-user'
  | 'confluence-content';

function encodeComponent(value: string): string {
  return value.replace(
    /[%/#\\<>\r\n]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

/** A reference such as `confluence-page:ENG/Release notes`; undefined components are left out. */
export function formatReference(scheme: ReferenceScheme, ...components: (string | undefined)[]): string {
  const present = components.filter((component): component is string => component !== undefined);
  return `${scheme}:${present.map(encodeComponent).join('/')}`;
}

/** The scheme and decoded components of a reference made by {@link formatReference}, or undefined. */
export function parseReference(
  reference: string,
): { scheme: ReferenceScheme; components: string[]; fragment: string | undefined } | undefined {
  const match = /^(confluence-(?:page|blog-post|attachment|space|user|content)):([^#]*)(?:#(.*))?$/s.exec(
    reference,
  );
  if (!match?.[1] || match[2] === undefined) return undefined;
  try {
    return {
      scheme: match[1] as ReferenceScheme,
      components: match[2].split('/').map((component) => decodeURIComponent(component)),
      fragment: match[3],
    };
  } catch {
    return undefined;
  }
}
