/**
 * The parts of Confluence's answers this project reads, as the OpenAPI files in ../shared/confluence-openapi
 * describe them. Fields the spec does not promise are optional here too.
 */

/** v2 `Version`. */
export interface Version {
  number: number;
  message?: string;
  minorEdit?: boolean;
  authorId?: string;
  createdAt?: string;
}

export interface BodyType {
  representation?: string;
  value?: string;
}

/** v2 `PageSingle` / `PageBulk`. */
export interface Page {
  id: string;
  status: string;
  title: string;
  spaceId: string;
  parentId?: string | null;
  parentType?: string | null;
  position?: number | null;
  authorId?: string;
  ownerId?: string | null;
  createdAt?: string;
  version?: Version;
  body?: { storage?: BodyType; view?: BodyType; atlas_doc_format?: BodyType };
  labels?: { results: Label[] };
  _links?: { webui?: string; editui?: string; tinyui?: string; base?: string };
}

/** v2 `SpaceBulk` / `SpaceSingle`. */
export interface Space {
  id: string;
  key: string;
  name: string;
  type?: string;
  status?: string;
  authorId?: string;
  createdAt?: string;
  homepageId?: string | null;
  description?: { plain?: BodyType; view?: BodyType } | null;
  _links?: { webui?: string; base?: string };
}

/** v2 `Label`. */
export interface Label {
  id: string;
  name: string;
  prefix: string;
}

/** v2 `MultiEntityResult<T>`. */
export interface MultiEntityResult<T> {
  results: T[];
  _links?: { next?: string; base?: string };
}

/** v1 `SearchResult` (CQL search). */
export interface SearchResult {
  content?: {
    id?: string;
    type: string;
    status: string;
    title?: string;
    space?: { id?: string | number; key: string; name: string };
    _links?: { webui?: string; tinyui?: string };
  };
  space?: { id?: string | number; key: string; name: string };
  title: string;
  excerpt: string;
  url: string;
  lastModified: string;
  entityType: string;
  resultGlobalContainer?: { title: string; displayUrl: string };
}

/** v1 `SearchPageResponseSearchResult`. */
export interface SearchResponse {
  results: SearchResult[];
  start: number;
  limit: number;
  size: number;
  totalSize: number;
  cqlQuery: string;
  _links: { base?: string; next?: string; context?: string };
}
