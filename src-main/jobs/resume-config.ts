import type { PipelineConfig } from '../../src-shared/config/pipeline';

/*
 * What a resumed run (a retry or a resume from checkpoints) must not do again: the earlier run
 * already emptied the target (`truncate_insert`) and ran `pre_sql`, and rows it committed stay.
 * A file output that `overwrite`s writes its file whole at the end, so a resumed run could only
 * write the rest: it reads from the start instead.
 */

type Section = Record<string, unknown>;

function isSection(value: unknown): value is Section {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The config's outputs with their paths: `output`, and each branch's (`pipeline.processors[2].branches[0].output`). */
function outputsOf(config: PipelineConfig): { path: string; section: Section }[] {
  const found: { path: string; section: Section }[] = [];
  if (isSection(config.output)) found.push({ path: 'output', section: config.output });
  const visit = (processors: unknown, at: string) => {
    if (!Array.isArray(processors)) return;
    processors.forEach((processor: unknown, i) => {
      if (!isSection(processor)) return;
      const here = `${at}[${i}]`;
      const branches = Array.isArray(processor.branches) ? processor.branches : [];
      branches.forEach((branch: unknown, b) => {
        if (!isSection(branch)) return;
        visit(branch.processors, `${here}.branches[${b}].processors`);
        if (isSection(branch.output))
          found.push({ path: `${here}.branches[${b}].output`, section: branch.output });
      });
      if (isSection(processor.else)) {
        visit(processor.else.processors, `${here}.else.processors`);
        if (isSection(processor.else.output))
          found.push({ path: `${here}.else.output`, section: processor.else.output });
      }
    });
  };
  visit(isSection(config.pipeline) ? config.pipeline.processors : undefined, 'pipeline.processors');
  return found;
}

/** Whether a resumed run can continue into these outputs, or must read from the start (with the reason). */
export function resumeBlocker(config: PipelineConfig): string | undefined {
  for (const { path, section } of outputsOf(config)) {
    if (section.type === 'file' && section.mode !== 'append')
      return `${path} writes its file whole (mode overwrite)`;
  }
  return undefined;
}

/**
 * Changes a loaded config in place for a resumed run: `truncate_insert` becomes `insert` and
 * `pre_sql` is dropped, each said in a note.
 */
export function adjustForResume(config: PipelineConfig): string[] {
  const notes: string[] = [];
  for (const { path, section } of outputsOf(config)) {
    const write = section.write;
    if (isSection(write) && write.mode === 'truncate_insert') {
      write.mode = 'insert';
      notes.push(
        `${path}: resumed, so rows are added without emptying the table again (truncate_insert ran in the first run)`,
      );
    }
    if (Array.isArray(section.pre_sql) && section.pre_sql.length > 0) {
      delete section.pre_sql;
      notes.push(`${path}: resumed, so pre_sql did not run again`);
    }
  }
  return notes;
}
