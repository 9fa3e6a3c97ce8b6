import type { Express } from 'express';

interface Layer {
  readonly rawPath?: unknown;
  readonly slash?: boolean;
  readonly route?: { readonly path: unknown; readonly methods: Record<string, boolean> };
  readonly handle: { readonly stack?: readonly Layer[] };
}

/**
 * Every `METHOD /path` an express app answers through a route, found in its router's layers
 * (including routers mounted with `app.use(router)`). Routers mounted under a path prefix are
 * refused: their routes' paths would need the prefix.
 */
export function mountedRoutes(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: readonly Layer[]): void => {
    for (const layer of stack) {
      if (layer.route !== undefined) {
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on && method !== '_all') found.push(`${method} ${String(layer.route.path)}`);
        }
      } else if (layer.handle.stack !== undefined) {
        if (layer.slash !== true)
          throw new Error(`a router is mounted at ${String(layer.rawPath)}`);
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return found;
}
