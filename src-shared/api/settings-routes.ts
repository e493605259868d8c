import { Type as T } from '@sinclair/typebox';
import { route } from './route';
import { SettingsPatch, SettingsState } from './settings-model';

/** The studio's own settings: the Settings page, the API, and `<data dir>/settings.yaml` change the same values. */
export const settingsRoutes = {
  getSettings: route({
    method: 'GET',
    path: '/settings',
    input: T.Object({}),
    output: SettingsState,
    summary: 'The app settings in force, the settings file and what is wrong with it',
  }),
  updateSettings: route({
    method: 'PUT',
    path: '/settings',
    input: T.Object({ patch: SettingsPatch }),
    output: SettingsState,
    summary:
      'Change app settings: checked, stored, written to settings.yaml, applied at once and recorded in the audit log',
  }),
} as const;
