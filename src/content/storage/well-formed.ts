import { DecodingMode, decodeHTML } from 'entities/decode';
import { QuoteType, Tokenizer } from 'htmlparser2';
import { INVALID_XML_CHARS } from './xhtml.js';

const NAME = /^[\p{L}_:][\p{L}\p{N}_:.-]*$/u;

/** Why an `&` starts no entity Confluence knows, or undefined when every `&` is a known entity. */
function entityProblem(text: string): string | undefined {
  for (let index = text.indexOf('&'); index !== -1; index = text.indexOf('&', index + 1)) {
    const match = /^&(?:#\d{1,7}|#[xX][\da-fA-F]{1,6}|[A-Za-z][A-Za-z\d]{0,31});/.exec(
      text.slice(index, index + 40),
    );
    if (match === null) return `"&" at "${text.slice(index, index + 12)}" is not escaped`;
    const entity = match[0];
    if (!entity.startsWith('&#') && decodeHTML(entity, DecodingMode.Strict) === entity) {
      return `unknown entity ${entity}`;
    }
  }
  return undefined;
}

/**
 * Why storage is not well-formed XHTML as Confluence accepts it, or undefined when it is: tags balanced and
 * properly nested, attribute values quoted and unique, `&` only in known entities (XML's or HTML's named ones,
 * which Confluence declares), no `<` in text or attributes, no characters XML forbids. Confluence answers a body
 * that fails these with 400.
 */
export function storageProblem(storage: string): string | undefined {
  const stack: string[] = [];
  let problem: string | undefined;
  let name = '';
  let attrName = '';
  let attrValue = '';
  let seen = new Set<string>();
  // The tokenizer drops markup the input ends inside without reporting it: track how far its reports reach.
  let reached = 0;
  const reach = (end: number): void => {
    reached = Math.max(reached, end);
  };
  const fail = (message: string): void => {
    problem ??= message;
  };
  INVALID_XML_CHARS.lastIndex = 0;
  const invalid = INVALID_XML_CHARS.exec(storage);
  if (invalid !== null) {
    const code = invalid[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return `character U+${code} at offset ${invalid.index} is not allowed in XML`;
  }
  const tokenizer = new Tokenizer(
    { xmlMode: true, decodeEntities: false },
    {
      onattribname(start, end) {
        attrName = storage.slice(start, end);
        attrValue = '';
        if (!NAME.test(attrName)) fail(`attribute name "${attrName}" on <${name}> is not valid`);
        if (seen.has(attrName)) fail(`attribute ${attrName} is repeated on <${name}>`);
        seen.add(attrName);
      },
      onattribdata(start, end) {
        attrValue += storage.slice(start, end);
      },
      onattribentity() {},
      onattribend(quote) {
        if (quote === QuoteType.NoValue || quote === QuoteType.Unquoted) {
          fail(`attribute ${attrName} on <${name}> has no quoted value`);
        }
        if (attrValue.includes('<')) fail(`attribute ${attrName} on <${name}> contains "<"`);
        const entity = entityProblem(attrValue);
        if (entity !== undefined) fail(`${entity} in attribute ${attrName} on <${name}>`);
      },
      oncdata(_start, end, offset) {
        reach(end + 1);
        if (offset === 0) fail('a CDATA section is not closed');
      },
      oncomment(start, end, offset) {
        reach(end + 1);
        if (offset === 0) fail('a comment is not closed');
        const content = storage.slice(start, end - offset);
        if (content.includes('--') || content.endsWith('-')) fail('a comment contains "--"');
      },
      ondeclaration(start, end) {
        reach(end + 1);
        fail(`declaration <!${storage.slice(start, Math.min(end, start + 20))}> is not allowed`);
      },
      onprocessinginstruction(_start, end) {
        reach(end + 1);
      },
      onend() {},
      ontext(start, end) {
        reach(end);
        const text = storage.slice(start, end);
        if (text.includes('<')) fail(`"<" at offset ${start + text.indexOf('<')} is not escaped`);
        else if (text.includes(']]>')) fail('"]]>" appears in text');
        const entity = entityProblem(text);
        if (entity !== undefined) fail(entity);
      },
      ontextentity() {},
      onopentagname(start, end) {
        name = storage.slice(start, end);
        seen = new Set();
        if (!NAME.test(name)) fail(`element name "${name}" is not valid`);
      },
      onopentagend(end) {
        reach(end + 1);
        stack.push(name);
      },
      onselfclosingtag(end) {
        reach(end + 1);
      },
      onclosetag(start, end) {
        const closing = storage.slice(start, end);
        const gt = storage.indexOf('>', end);
        reach(gt === -1 ? storage.length : gt + 1);
        if (gt === -1) fail(`closing tag </${closing}> is not finished`);
        const open = stack.pop();
        if (open === undefined) fail(`closing tag </${closing}> has no opening tag`);
        else if (open !== closing) fail(`element <${open}> is closed by </${closing}>`);
      },
    },
  );
  tokenizer.write(storage);
  tokenizer.end();
  if (storage.slice(reached).trim() !== '') fail(`markup at offset ${reached} is not finished`);
  if (problem === undefined && stack.length > 0)
    problem = `element <${stack[stack.length - 1]}> is not closed`;
  return problem;
}

/** True when {@link storageProblem} finds nothing wrong. */
export function isWellFormedStorage(storage: string): boolean {
  return storageProblem(storage) === undefined;
}
