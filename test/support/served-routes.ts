/** The routes the API serves, read from express's own router (the access gate's copies of them left out). */
import { ACCESS_CONTROL } from '../../src/api/access/access-control';
import { createApp } from '../../src/api/app';
import { createLogger } from '../../src/logger';

type Layer = { name?: string; route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };

/** Every route express has registered, as `METHOD /pattern` below /v1. */
export function servedRoutes(): string[] {
  const app = createApp({ db: {} as never, client: {} as never, taskQueue: 'none', log: createLogger('silent') }) as unknown as { router: { stack: Layer[] } };
  const routesOf = (layers: Layer[]): string[] => layers.filter((layer) => layer.name !== ACCESS_CONTROL).flatMap((layer) => (layer.route
    ? Object.keys(layer.route.methods).map((method) => `${method.toUpperCase()} ${layer.route!.path}`)
    : routesOf(layer.handle?.stack ?? [])));
  return routesOf(app.router.stack);
}
