interface Compiled<T> {
  method: string;
  segments: string[];
  literals: number;
  value: T;
}

/** A match: the route's value and its path parameters; or none, saying whether another method has the path. */
export type RouteMatch<T> =
  | { value: T; params: Record<string, string> }
  | { value: undefined; pathExists: boolean };

/**
 * Matches method and path to a registered value. Patterns use `:name` segments; where several match, the one with
 * more literal segments wins (`/group/by-id` over `/group/:groupId`).
 */
export class Router<T> {
  readonly #routes: Compiled<T>[] = [];

  add(method: string, pattern: string, value: T): this {
    const segments = pattern.split('/').filter(Boolean);
    this.#routes.push({
      method,
      segments,
      literals: segments.filter((s) => !s.startsWith(':')).length,
      value,
    });
    this.#routes.sort((a, b) => b.literals - a.literals);
    return this;
  }

  /** Every registered method and pattern, for tests that compare routes with the spec. */
  list(): { method: string; pattern: string; value: T }[] {
    return this.#routes.map((r) => ({
      method: r.method,
      pattern: `/${r.segments.join('/')}`,
      value: r.value,
    }));
  }

  match(method: string, path: string): RouteMatch<T> {
    const parts = path.split('/').filter(Boolean);
    let pathExists = false;
    for (const compiled of this.#routes) {
      if (compiled.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const seg = compiled.segments[i] as string;
        const part = parts[i] as string;
        if (!seg.startsWith(':')) ok = seg === part;
        else {
          try {
            params[seg.slice(1)] = decodeURIComponent(part);
          } catch {
            ok = false;
          }
        }
      }
      if (!ok) continue;
      if (compiled.method === method) return { value: compiled.value, params };
      pathExists = true;
    }
    return { value: undefined, pathExists };
  }
}
