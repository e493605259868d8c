import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConfigProblem } from '../../src-shared/api/model';
import { api } from '../api/client';
import { problemLine } from '../api/error-text';
import { YamlEditor } from '../yaml/yaml-editor';
import { FlowView } from './flow-view';
import { pipelineGraphFromYaml, type PipelineGraph } from './pipeline-graph';

const VALIDATE_DELAY_MS = 400;

/** Validates the draft as the user types, a moment after they pause. */
export function useValidation(configYaml: string, fileName: string): ConfigProblem[] | null {
  const [problems, setProblems] = useState<ConfigProblem[] | null>(null);
  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      api.validateConfig({ config_yaml: configYaml, file_name: fileName }).then(
        (result) => current && setProblems(result.problems),
        // A failed validation call is not a problem in the config; keep the last answer.
        () => undefined,
      );
    }, VALIDATE_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [configYaml, fileName]);
  return problems;
}

export interface DesignerWorkspaceProps {
  yaml: string;
  onChange: (yaml: string) => void;
  /** The file name validation messages carry (`orders.yaml`). */
  fileName: string;
  /** The node whose step preview is open, if any. */
  selectedId?: string | null;
  onSelect?: (id: string) => void;
}

/** The pipeline as a flow graph beside its YAML, both showing the validation problems. */
export function DesignerWorkspace({
  yaml,
  onChange,
  fileName,
  selectedId,
  onSelect,
}: DesignerWorkspaceProps) {
  const { t } = useTranslation();
  const [reveal, setReveal] = useState<{ line: number; col: number; token: number } | null>(null);
  const lastGraph = useRef<PipelineGraph | null>(null);
  const problems = useValidation(yaml, fileName);
  const parsed = useMemo(() => pipelineGraphFromYaml(yaml), [yaml]);
  if (parsed.ok) lastGraph.current = parsed.graph;
  const graph = parsed.ok ? parsed.graph : lastGraph.current;
  const problemPaths = useMemo(() => (problems ?? []).map((problem) => problem.path), [problems]);

  return (
    <div className="job-workspace">
      <div className="panel flow-panel">
        <div className="panel-title">{t('job.flow')}</div>
        {graph && (
          <FlowView
            graph={graph}
            problemPaths={problemPaths}
            selectedId={selectedId ?? null}
            {...(onSelect ? { onNodeClick: onSelect } : {})}
          />
        )}
        {!parsed.ok && (
          <div className="graph-note" data-testid="graph-note">
            {t('job.graph_unavailable', { message: parsed.message })}
          </div>
        )}
      </div>
      <div className="panel editor-panel">
        <div className="panel-title">
          {t('job.yaml')}
          <span className="spacer" />
          {problems && problems.length === 0 && (
            <span className="valid-note" data-testid="config-valid">
              ✓ {t('job.valid')}
            </span>
          )}
          {problems && problems.length > 0 && (
            <span className="text-danger" data-testid="problem-count">
              {t('job.problems', { count: problems.length })}
            </span>
          )}
        </div>
        <YamlEditor value={yaml} onChange={onChange} problems={problems ?? []} reveal={reveal} />
        {problems && problems.length > 0 && (
          <ul className="problem-list" data-testid="problem-list">
            {problems.map((problem, index) => (
              <li key={`${problem.line}:${problem.col}:${index}`}>
                <button
                  type="button"
                  className="link-button mono"
                  onClick={() => setReveal({ line: problem.line, col: problem.col, token: Date.now() })}
                >
                  {problemLine(problem)}
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
