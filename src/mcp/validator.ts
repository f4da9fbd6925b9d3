import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/index.js';

let ajv: AjvJsonSchemaValidator | undefined;

/**
 * The JSON Schema validator every server shares, its Ajv built the first time a schema needs checking (on a server,
 * only an elicitation's answer does). The SDK would build one per server: tens of milliseconds at start-up, and again
 * for every request over stateless HTTP.
 */
export const sharedValidator: jsonSchemaValidator = {
  getValidator(schema) {
    ajv ??= new AjvJsonSchemaValidator();
    return ajv.getValidator(schema);
  },
};
