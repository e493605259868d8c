import { Type as T } from '@sinclair/typebox';
import { ComponentKind, PluginInfo } from './model';
import { route } from './route';

/** Plugins page: switching components on and off (listing them is `listPlugins` / `getPlugin`). */
export const pluginRoutes = {
  setPluginEnabled: route({
    method: 'PUT',
    path: '/plugins/:kind/:name/enabled',
    input: T.Object({ kind: ComponentKind, name: T.String({ minLength: 1 }), enabled: T.Boolean() }),
    output: PluginInfo,
    summary:
      'Switch a component on or off for this studio: stored, applied at once, and seen by runs started afterwards',
  }),
} as const;
