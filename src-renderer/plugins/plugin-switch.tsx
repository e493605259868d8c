import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PluginInfo } from '../../src-shared/api/model';
import { api } from '../api/client';
import { errorText } from '../api/error-text';

/*
 * Switching a component on and off: `PluginSwitch` is the control; `usePluginSwitching` calls the
 * API optimistically (the switch moves at once and moves back, with the reason, when the studio
 * refuses).
 */

type PluginRef = Pick<PluginInfo, 'kind' | 'name' | 'title' | 'enabled'>;

/** An on/off switch for one component (test id `plugin-switch`, state in `aria-checked`). */
export function PluginSwitch({
  plugin,
  busy,
  onChange,
}: {
  plugin: PluginRef;
  /** A change of this component is on its way to the studio. */
  busy: boolean;
  onChange: (enabled: boolean) => void;
}) {
  const { t } = useTranslation();
  const label = plugin.enabled
    ? t('plugins_page.disable', { name: plugin.name })
    : t('plugins_page.enable', { name: plugin.name });
  return (
    <button
      type="button"
      role="switch"
      className="plugins-switch"
      data-testid="plugin-switch"
      aria-checked={plugin.enabled}
      aria-busy={busy}
      aria-label={label}
      title={label}
      onClick={(event) => {
        // The switch sits in a clickable row: switching must not also open the component.
        event.stopPropagation();
        onChange(!plugin.enabled);
      }}
    >
      <span className="plugins-switch-knob" aria-hidden="true" />
    </button>
  );
}

export interface PluginSwitching {
  /** Keys (`kind:name`) of components whose change is on its way. */
  busy: ReadonlySet<string>;
  /** The last refusal, worded for the user; null once dismissed or after a change that worked. */
  failure: string | null;
  dismiss: () => void;
  /**
   * Switches `plugin`: `apply(enabled)` shows the new state at once; when the studio refuses,
   * `apply` is called again with the old state and `failure` says why.
   */
  change: (plugin: PluginRef, enabled: boolean, apply: (enabled: boolean) => void) => Promise<void>;
}

export const pluginKey = (plugin: Pick<PluginInfo, 'kind' | 'name'>) => `${plugin.kind}:${plugin.name}`;

export function usePluginSwitching(): PluginSwitching {
  const { t } = useTranslation();
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const [failure, setFailure] = useState<string | null>(null);
  const mark = (key: string, on: boolean) =>
    setBusy((keys) => {
      const next = new Set(keys);
      if (on) next.add(key);
      else next.delete(key);
      return next;
    });

  const change = useCallback(
    async (plugin: PluginRef, enabled: boolean, apply: (enabled: boolean) => void) => {
      const key = pluginKey(plugin);
      apply(enabled);
      mark(key, true);
      try {
        const saved = await api.setPluginEnabled({ kind: plugin.kind, name: plugin.name, enabled });
        apply(saved.enabled);
        setFailure(null);
      } catch (error) {
        apply(!enabled);
        setFailure(t('plugins_page.switch_failed', { name: plugin.name, message: errorText(error).message }));
      } finally {
        mark(key, false);
      }
    },
    [t],
  );

  return { busy, failure, dismiss: () => setFailure(null), change };
}
