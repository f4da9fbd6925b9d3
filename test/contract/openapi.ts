/**
 * Contract-test harness: validates HTTP exchanges against Atlassian's published Confluence Cloud OpenAPI specs
 * (v1 and v2), which live outside the project in `../shared/confluence-openapi/`. See README.md here.
 */
export {
  type Api,
  type ApiSpec,
  type ContractSpecs,
  contractSpecsDir,
  findProjectRoot,
  loadContractSpecs,
  type ScopeSet,
  specsRequirement,
} from './openapi-load.js';
export {
  apiPathOf,
  findOperation,
  type OperationMatch,
  operationScopeSets,
  operationScopes,
} from './openapi-match.js';
export { type Checker, compileChecker, convertSchema } from './openapi-schema.js';
export {
  type Exchange,
  formatViolations,
  type ValidateOptions,
  type Violation,
  validateExchange,
  validateRequest,
  validateResponse,
} from './openapi-validate.js';
