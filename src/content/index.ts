/**
 * The content layer's one door: storage format to Markdown and back, the editable form and its save, sections,
 * and the well-formedness check. It knows nothing of Confluence's client or of MCP.
 */

export {
  ConversionStoppedError,
  type Converter,
  type ConverterOptions,
  inlineConverter,
  type MarkdownResult,
  pooledConverter,
  type SectionEdit,
  type SectionEditResult,
} from './convert/converter.js';
export { type PoolFailure, PoolJobError, WorkerPool, type WorkerPoolOptions } from './convert/pool.js';
export { carryIdentity } from './identity.js';
export {
  convertMarkdown,
  isWellFormedStorage,
  type MarkdownConversion,
  type MarkdownToStorageOptions,
  markdownToStorage,
  storageProblem,
} from './markdown-to-storage.js';
export {
  type ApplyOptions,
  type ApplyResult,
  applyEditedMarkdown,
  type EditableMarkdown,
  type LossyConstruct,
  type LossyKind,
  preservationCheck,
  spliceEditedMarkdown,
  storageToEditableMarkdown,
} from './preservation.js';
export {
  findSection,
  listSections,
  locateSection,
  type ReplaceSectionResult,
  replaceSection,
  type Section,
  type SectionLookup,
  type SectionQuery,
  type SectionRange,
} from './sections.js';
export { type StorageToMarkdownOptions, storageToMarkdown } from './storage-to-markdown.js';
