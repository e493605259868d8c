import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/*
 * The designer workspace's toolbar: Undo / Redo, Auto-layout, Fit view, Full screen, the view
 * switch (Canvas | Split | YAML), Import and Export YAML, and at its end what the page puts there
 * (whether the config is valid).
 */

export const DESIGNER_VIEWS = ['canvas', 'split', 'yaml'] as const;
export type DesignerView = (typeof DESIGNER_VIEWS)[number];

export interface DesignerToolbarProps {
  canUndo: boolean;
  canRedo: boolean;
  onUndo: () => void;
  onRedo: () => void;
  /** Auto-layout and Fit view act on the canvas: off in the YAML view. */
  canvasShown: boolean;
  /** The YAML does not parse: the flow cannot be laid out. */
  readOnly: boolean;
  onLayout: () => void;
  onFit: () => void;
  /** Opens or closes the pipeline-wide settings in the properties slot. */
  onSettings: () => void;
  settingsOpen: boolean;
  fullscreen: boolean;
  onFullscreen: () => void;
  view: DesignerView;
  onView: (view: DesignerView) => void;
  onImport: () => void;
  onExport: () => void;
  children?: ReactNode;
}

export function DesignerToolbar(props: DesignerToolbarProps) {
  const { t } = useTranslation();
  const button = (testId: string, label: string, onClick: () => void, disabled = false, hint = label) => (
    <button
      type="button"
      className="button small"
      data-testid={testId}
      title={hint}
      aria-label={hint}
      disabled={disabled}
      onClick={onClick}
    >
      {label}
    </button>
  );
  return (
    <div className="designer-toolbar" role="toolbar" data-testid="designer-toolbar">
      <div className="designer-toolbar-group">
        {button(
          'designer-undo',
          `↶ ${t('designer.undo')}`,
          props.onUndo,
          !props.canUndo,
          t('designer.undo_hint'),
        )}
        {button(
          'designer-redo',
          `↷ ${t('designer.redo')}`,
          props.onRedo,
          !props.canRedo,
          t('designer.redo_hint'),
        )}
      </div>
      <div className="designer-toolbar-group">
        {button(
          'designer-layout',
          t('designer.auto_layout'),
          props.onLayout,
          !props.canvasShown || props.readOnly,
        )}
        {button('designer-fit', t('designer.fit_view'), props.onFit, !props.canvasShown)}
        {button(
          'designer-settings',
          `${props.settingsOpen ? '✓ ' : ''}${t('designer.pipeline_settings')}`,
          props.onSettings,
          !props.canvasShown,
        )}
        {button(
          'designer-fullscreen',
          props.fullscreen ? t('designer.exit_fullscreen') : t('designer.fullscreen'),
          props.onFullscreen,
        )}
      </div>
      <div
        className="designer-toolbar-group designer-views"
        role="radiogroup"
        aria-label={t('designer.view')}
      >
        {DESIGNER_VIEWS.map((view) => (
          <button
            key={view}
            type="button"
            role="radio"
            aria-checked={props.view === view}
            className={`button small${props.view === view ? ' active' : ''}`}
            data-testid={`designer-view-${view}`}
            onClick={() => props.onView(view)}
          >
            {t(`designer.view_${view}`)}
          </button>
        ))}
      </div>
      <div className="designer-toolbar-group">
        {button('designer-import', t('designer.import'), props.onImport)}
        {button('designer-export', t('designer.export'), props.onExport)}
      </div>
      <span className="spacer" />
      {props.children}
    </div>
  );
}
