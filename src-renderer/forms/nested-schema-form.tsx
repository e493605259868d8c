import {
  createContext,
  useContext,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { useTranslation } from 'react-i18next';
import {
  addItemEdit,
  buildNode,
  emptyValue,
  formTree,
  isVariableRef,
  literalOptions,
  moveItemEdit,
  pathText,
  removeItemEdit,
  removeKeyEdit,
  renameKeyEdit,
  setIn,
  switchVariant,
  textOf,
  valueOfText,
  type FieldEdit,
  type FieldPath,
  type FormNode,
  type FormNodeKind,
  type FormOptions,
  type JsonSchema,
  type Variant,
} from '../../src-shared/forms/nested-form-model';
import {
  pathKey,
  placeIssues,
  validateSection,
  type FieldIssue,
  type PlacedIssues,
} from '../../src-shared/forms/nested-form-validation';
import { SecretInput } from './secret-input';

/*
 * A form generated from a nested JSON Schema (a pipeline component's fields). The value comes in
 * as it is (the YAML stays the source of truth) and every change goes out as one edit at the
 * smallest path. Text is held as typed while the user types and sent after a pause, on Enter or
 * when the field is left; what is typed is checked at once against the schema and never dropped,
 * valid or not.
 *
 * Hosts add to it through props: the sections fields are grouped in, suggestions for fields
 * (tables, columns), and fields they draw themselves (a saved connection).
 */

/** A value offered for a field; `detail` says what it is (a column's type). */
export interface Suggestion {
  value: string;
  detail?: string;
}

/** A titled, collapsible part of the form. */
export interface FormSection {
  id: string;
  title: string;
  nodes: FormNode[];
  /** Shown above the section's fields (a saved-connection picker). */
  header?: ReactNode;
}

export interface NestedSchemaFormProps {
  schema: JsonSchema;
  value: Record<string, unknown>;
  onEdit: (edit: FieldEdit) => void;
  options?: FormOptions;
  /** Problems found elsewhere (the server's), at paths relative to `value`. */
  problems?: readonly FieldIssue[];
  /** Groups the top-level fields; without it they show in schema order. */
  sections?: (nodes: FormNode[]) => FormSection[];
  suggestionsFor?: (path: FieldPath) => Suggestion[] | undefined;
  /** Draws a field itself (return undefined to leave it to the form). */
  renderField?: (node: FormNode, form: FieldRendering) => ReactNode | undefined;
  testId?: string;
}

/** What a host's own field drawing gets: the form's edit channel and its problems. */
export interface FieldRendering {
  onEdit: (edit: FieldEdit) => void;
  issues: (node: FormNode) => FieldIssue[];
  /** The form's own drawing of a field, to use inside the host's. */
  field: (node: FormNode) => ReactNode;
}

interface FormContextValue {
  onEdit: (edit: FieldEdit) => void;
  setDraft: (path: FieldPath, value: unknown, active: boolean) => void;
  placed: PlacedIssues;
  suggestionsFor?: (path: FieldPath) => Suggestion[] | undefined;
  renderField?: (node: FormNode, form: FieldRendering) => ReactNode | undefined;
  options: FormOptions;
}

const FormContext = createContext<FormContextValue | null>(null);

function useForm(): FormContextValue {
  const context = useContext(FormContext);
  if (!context) throw new Error('nested form fields must be inside a NestedSchemaForm');
  return context;
}

/** How long typing may pause before what was typed is written. */
const TYPING_PAUSE_MS = 700;

/** A field with one input (not parts of its own). */
function isOneValue(node: FormNode): boolean {
  return !['object', 'variants', 'list', 'map'].includes(node.kind);
}

function testIdOf(path: FieldPath): string {
  return `field-${pathText(path)}`;
}

/** An issue as the user reads it. */
function IssueText({ issue }: { issue: FieldIssue }) {
  const { t } = useTranslation();
  if (issue.message !== undefined) return <>{issue.message}</>;
  const params = issue.params ?? {};
  switch (issue.code) {
    case 'required':
      return <>{t('designer_props.problem_required')}</>;
    case 'type_integer':
      return <>{t('designer_props.problem_type_integer')}</>;
    case 'type_number':
      return <>{t('designer_props.problem_type_number')}</>;
    case 'type_boolean':
      return <>{t('designer_props.problem_type_boolean')}</>;
    case 'type_text':
      return <>{t('designer_props.problem_type_text')}</>;
    case 'type_list':
      return <>{t('designer_props.problem_type_list')}</>;
    case 'type_map':
      return <>{t('designer_props.problem_type_map')}</>;
    case 'minimum':
      return <>{t('designer_props.problem_minimum', { limit: params.limit })}</>;
    case 'maximum':
      return <>{t('designer_props.problem_maximum', { limit: params.limit })}</>;
    case 'not_empty':
      return <>{t('designer_props.problem_not_empty')}</>;
    case 'min_length':
      return <>{t('designer_props.problem_min_length', { limit: params.limit })}</>;
    case 'max_length':
      return <>{t('designer_props.problem_max_length', { limit: params.limit })}</>;
    case 'min_items':
      return <>{t('designer_props.problem_min_items', { limit: params.limit })}</>;
    case 'max_items':
      return <>{t('designer_props.problem_max_items', { limit: params.limit })}</>;
    case 'min_properties':
      return <>{t('designer_props.problem_min_properties', { limit: params.limit })}</>;
    case 'unique':
      return <>{t('designer_props.problem_unique')}</>;
    case 'pattern':
      return <>{t('designer_props.problem_pattern', { pattern: params.pattern })}</>;
    case 'one_of':
      return <>{t('designer_props.problem_one_of', { options: params.options })}</>;
    case 'unknown_field':
      return <>{t('designer_props.problem_unknown_field')}</>;
    default:
      return <>{t('designer_props.problem_invalid')}</>;
  }
}

/** Problems under a field; those about a place inside it name that place. */
export function FieldIssues({ node, issues }: { node?: FormNode; issues: readonly FieldIssue[] }) {
  if (issues.length === 0) return null;
  return (
    <ul className="field-problems" data-testid="field-problems">
      {issues.map((issue, i) => {
        const inside = node ? issue.path.slice(node.path.length) : issue.path;
        return (
          <li key={i} className="field-problem">
            {inside.length > 0 && <span className="mono">{pathText(inside)}: </span>}
            <IssueText issue={issue} />
          </li>
        );
      })}
    </ul>
  );
}

function useIssues(node: FormNode): FieldIssue[] {
  return useForm().placed.byField.get(pathKey(node.path)) ?? [];
}

/** The default or first example as an input's placeholder. */
function placeholderOf(node: FormNode): string {
  if (node.default !== undefined && node.default !== '') return textOf(node.default);
  return node.examples[0] ?? '';
}

/**
 * A text input over a value: what is typed is held here, checked at once (as a draft the form
 * validates) and written after a pause, on Enter or when the field is left. A value changed from
 * outside (the YAML) shows at once unless the field is being typed in.
 */
function DraftInput({
  node,
  kind,
  multiline = false,
  secret = false,
  list,
  invalid,
}: {
  node: FormNode;
  kind: FormNodeKind;
  multiline?: boolean;
  secret?: boolean;
  /** A datalist id of suggestions. */
  list?: string;
  invalid: boolean;
}) {
  const { onEdit, setDraft } = useForm();
  const [draft, setLocal] = useState<string | null>(null);
  const focused = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const pending = useRef<string | null>(null);

  const commit = () => {
    clearTimeout(timer.current);
    const text = pending.current;
    pending.current = null;
    if (text === null) return;
    const next = valueOfText(kind, text);
    if (JSON.stringify(next) !== JSON.stringify(node.value)) onEdit({ path: node.path, value: next });
    setDraft(node.path, next, false);
  };
  // A pending edit is written when the field goes away too (another node selected).
  const commitRef = useRef(commit);
  commitRef.current = commit;
  useEffect(() => () => commitRef.current(), []);

  // The value changed from outside while the field is not typed in: show it.
  useEffect(() => {
    if (!focused.current && pending.current === null) setLocal(null);
  }, [node.value]);

  const change = (text: string) => {
    setLocal(text);
    pending.current = text;
    setDraft(node.path, valueOfText(kind, text), true);
    clearTimeout(timer.current);
    timer.current = setTimeout(commit, TYPING_PAUSE_MS);
  };
  const shared = {
    'data-testid': testIdOf(node.path),
    'aria-invalid': invalid || undefined,
    value: draft ?? textOf(node.value),
    placeholder: placeholderOf(node),
    onFocus: () => {
      focused.current = true;
    },
    onBlur: () => {
      focused.current = false;
      commit();
    },
  };
  if (secret)
    return (
      <SecretInput
        {...shared}
        testId={testIdOf(node.path)}
        revealTestId={`reveal-${pathText(node.path)}`}
        onChange={change}
        onKeyDown={(event) => {
          if (event.key === 'Enter') commit();
        }}
      />
    );
  if (multiline)
    return (
      <textarea {...shared} rows={3} spellCheck={false} onChange={(event) => change(event.target.value)} />
    );
  return (
    <input
      {...shared}
      list={list}
      inputMode={kind === 'integer' ? 'numeric' : kind === 'number' ? 'decimal' : undefined}
      spellCheck={false}
      onChange={(event) => change(event.target.value)}
      onKeyDown={(event) => {
        if (event.key === 'Enter') commit();
        if (event.key === 'Escape') {
          pending.current = null;
          clearTimeout(timer.current);
          setLocal(null);
          setDraft(node.path, undefined, false);
        }
      }}
    />
  );
}

function SuggestionList({ id, suggestions }: { id: string; suggestions: Suggestion[] }) {
  return (
    <datalist id={id}>
      {suggestions.map((s) => (
        <option key={s.value} value={s.value}>
          {s.detail}
        </option>
      ))}
    </datalist>
  );
}

/** A select over literal values; a value that is not one of them stays shown (and marked), not dropped. */
function EnumSelect({ node, invalid }: { node: Extract<FormNode, { kind: 'enum' }>; invalid: boolean }) {
  const { t } = useTranslation();
  const { onEdit } = useForm();
  const current = node.value === undefined ? '' : textOf(node.value);
  const options = node.options.map((option) => textOf(option));
  return (
    <select
      data-testid={testIdOf(node.path)}
      aria-invalid={invalid || undefined}
      value={current}
      onChange={(event) => {
        const picked = node.options.find((option) => textOf(option) === event.target.value);
        onEdit({
          path: node.path,
          value: event.target.value === '' ? undefined : (picked ?? event.target.value),
        });
      }}
    >
      <option value="">
        {node.default !== undefined
          ? t('designer_props.default_option', { value: textOf(node.default) })
          : '—'}
      </option>
      {current !== '' && !options.includes(current) && <option value={current}>{current}</option>}
      {options.map((option) => (
        <option key={option} value={option}>
          {option}
        </option>
      ))}
    </select>
  );
}

/** Text or numbers as chips: Enter adds, × removes, drag to reorder. */
function ChipList({ node }: { node: Extract<FormNode, { kind: 'list' }> }) {
  const { t } = useTranslation();
  const { onEdit, suggestionsFor } = useForm();
  const [typed, setTyped] = useState('');
  const [dragged, setDragged] = useState<number | null>(null);
  const listId = useId();
  const itemKind = buildNode(0, [], node.item, undefined, true).kind;
  // Items of a few fixed values are picked from them.
  const choices = literalOptions(node.item);
  const suggestions = suggestionsFor?.([...node.path, node.items.length]);
  const present = new Set(node.items.map((item) => textOf(item.value)));
  const add = (text: string) => {
    if (text.trim() === '') return;
    onEdit(addItemEdit(node, valueOfText(itemKind, text.trim())));
    setTyped('');
  };
  return (
    <div className="chip-list" data-testid={testIdOf(node.path)}>
      {node.items.map((item, i) => (
        <span
          key={`${i}:${textOf(item.value)}`}
          className="chip"
          draggable
          data-testid="chip"
          onDragStart={() => setDragged(i)}
          onDragOver={(event) => event.preventDefault()}
          onDrop={() => {
            if (dragged !== null && dragged !== i) onEdit(moveItemEdit(node, dragged, i));
            setDragged(null);
          }}
        >
          {textOf(item.value)}
          <button
            type="button"
            className="chip-remove"
            aria-label={t('designer_props.remove')}
            title={t('designer_props.remove')}
            onClick={() => onEdit(removeItemEdit(node, i))}
          >
            ×
          </button>
        </span>
      ))}
      {choices ? (
        <select
          className="chip-add"
          data-testid={`${testIdOf(node.path)}-add`}
          value=""
          onChange={(event) => add(event.target.value)}
        >
          <option value="">{t('designer_props.add_value')}</option>
          {choices
            .map((option) => textOf(option))
            .filter((option) => !present.has(option))
            .map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
        </select>
      ) : (
        <>
          <input
            className="chip-add"
            data-testid={`${testIdOf(node.path)}-add`}
            list={suggestions ? listId : undefined}
            value={typed}
            placeholder={
              node.items.length === 0 && node.default !== undefined
                ? t('designer_props.default_option', { value: textOf(node.default) })
                : t('designer_props.add_value')
            }
            spellCheck={false}
            onChange={(event) => {
              const text = event.target.value;
              // A pick from the suggestions is added at once; typing waits for Enter.
              if (suggestions?.some((s) => s.value === text) && !present.has(text)) add(text);
              else setTyped(text);
            }}
            onKeyDown={(event) => {
              if (event.key === 'Enter' || event.key === ',') {
                event.preventDefault();
                add(typed);
              }
            }}
            onBlur={() => add(typed)}
          />
          {suggestions && (
            <SuggestionList id={listId} suggestions={suggestions.filter((s) => !present.has(s.value))} />
          )}
        </>
      )}
    </div>
  );
}

/** The buttons of a list item: up, down, remove. */
function ItemButtons({ node, index, count }: { node: FormNode; index: number; count: number }) {
  const { t } = useTranslation();
  const { onEdit } = useForm();
  return (
    <span className="item-buttons">
      <button
        type="button"
        className="icon-button"
        title={t('designer_props.move_up')}
        aria-label={t('designer_props.move_up')}
        disabled={index === 0}
        onClick={() => onEdit(moveItemEdit(node, index, index - 1))}
      >
        ↑
      </button>
      <button
        type="button"
        className="icon-button"
        title={t('designer_props.move_down')}
        aria-label={t('designer_props.move_down')}
        disabled={index === count - 1}
        onClick={() => onEdit(moveItemEdit(node, index, index + 1))}
      >
        ↓
      </button>
      <button
        type="button"
        className="icon-button danger"
        title={t('designer_props.remove')}
        aria-label={t('designer_props.remove')}
        data-testid="item-remove"
        onClick={() => onEdit(removeItemEdit(node, index))}
      >
        ×
      </button>
    </span>
  );
}

/** The message keys a variant's label comes from (a narrow signature keeps the type check shallow). */
type ShapeKey = `designer_props.shape_${'text' | 'number' | 'choice' | 'list' | 'map' | 'object'}`;

function variantLabel(variant: Variant, t: (key: ShapeKey) => string): string {
  if (variant.label) return variant.label;
  switch (variant.shape) {
    case 'text':
      return t('designer_props.shape_text');
    case 'number':
      return t('designer_props.shape_number');
    case 'choice':
      return t('designer_props.shape_choice');
    case 'list':
      return t('designer_props.shape_list');
    case 'map':
      return t('designer_props.shape_map');
    default:
      return t('designer_props.shape_object');
  }
}

/** A list of objects (or of long text): one card per item, with its own fields. */
function ItemList({ node }: { node: Extract<FormNode, { kind: 'list' }> }) {
  const { t } = useTranslation();
  const { onEdit, placed } = useForm();
  const variants = node.item.anyOf && buildNode(0, [], node.item, undefined, true);
  const [variant, setVariant] = useState(0);
  const newItem = () =>
    variants?.kind === 'variants'
      ? switchVariant({ ...variants, value: undefined }, variant)
      : node.scalarItems
        ? ''
        : emptyValue(node.item);
  return (
    <div className="item-list" data-testid={testIdOf(node.path)}>
      {node.items.map((item, i) => (
        <div key={i} className="item-card" data-testid="list-item">
          <div className="item-head">
            <span className="muted">#{i + 1}</span>
            {item.kind === 'variants' && <VariantSelect node={item} />}
            <span className="spacer" />
            <ItemButtons node={node} index={i} count={node.items.length} />
          </div>
          {node.scalarItems ? (
            <DraftInput
              node={item}
              kind={item.kind}
              multiline={node.multiline}
              invalid={placed.byField.has(pathKey(item.path))}
            />
          ) : (
            <FieldBody node={item.kind === 'variants' ? item.inner : item} />
          )}
          <FieldIssues node={item} issues={placed.byField.get(pathKey(item.path)) ?? []} />
        </div>
      ))}
      <div className="item-add">
        {variants?.kind === 'variants' && (
          <select value={variant} onChange={(event) => setVariant(Number(event.target.value))}>
            {variants.variants.map((v, i) => (
              <option key={i} value={i}>
                {variantLabel(v, t)}
              </option>
            ))}
          </select>
        )}
        <button
          type="button"
          className="button small"
          data-testid={`${testIdOf(node.path)}-add`}
          onClick={() => onEdit(addItemEdit(node, newItem()))}
        >
          + {t('designer_props.add_item')}
        </button>
      </div>
    </div>
  );
}

/** A record: key / value rows; a key is renamed where it stands. */
function MapRows({ node }: { node: Extract<FormNode, { kind: 'map' }> }) {
  const { t } = useTranslation();
  const { onEdit, placed } = useForm();
  const [newKey, setNewKey] = useState('');
  const keys = node.entries.map((entry) => String(entry.key));
  const add = () => {
    const key = newKey.trim();
    if (key === '' || keys.includes(key)) return;
    onEdit({ path: [...node.path, key], value: emptyValue(node.entrySchema) });
    setNewKey('');
  };
  return (
    <div className="map-rows" data-testid={testIdOf(node.path)}>
      {node.entries.map((entry) => {
        // A one-value entry (or variant) sits on the key's line; one with parts goes under it.
        const shown = entry.kind === 'variants' ? entry.inner : entry;
        const inline = isOneValue(shown);
        return (
          <div key={String(entry.key)} className="map-row" data-testid="map-row">
            <div className="map-line">
              <KeyInput
                value={String(entry.key)}
                taken={keys}
                onRename={(to) => onEdit(renameKeyEdit(node, String(entry.key), to))}
              />
              {entry.kind === 'variants' && <VariantSelect node={entry} />}
              {inline && <Control node={shown} />}
              <button
                type="button"
                className="icon-button danger"
                title={t('designer_props.remove')}
                aria-label={t('designer_props.remove')}
                data-testid="entry-remove"
                onClick={() => onEdit(removeKeyEdit(node, String(entry.key)))}
              >
                ×
              </button>
            </div>
            {!inline && <FieldBody node={shown} />}
            <FieldIssues node={entry} issues={placed.byField.get(pathKey(entry.path)) ?? []} />
          </div>
        );
      })}
      <div className="map-line">
        <input
          className="map-key"
          data-testid={`${testIdOf(node.path)}-new-key`}
          value={newKey}
          placeholder={t('designer_props.new_key')}
          spellCheck={false}
          onChange={(event) => setNewKey(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') add();
          }}
        />
        <button
          type="button"
          className="button small"
          data-testid={`${testIdOf(node.path)}-add`}
          disabled={newKey.trim() === '' || keys.includes(newKey.trim())}
          onClick={add}
        >
          + {t('designer_props.add_entry')}
        </button>
      </div>
    </div>
  );
}

/** A map key, renamed when the field is left (or on Enter), unless the name is taken. */
function KeyInput({
  value,
  taken,
  onRename,
}: {
  value: string;
  taken: string[];
  onRename: (to: string) => void;
}) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const done = () => {
    const to = text.trim();
    if (to !== value && to !== '' && !taken.includes(to)) onRename(to);
    else setText(value);
  };
  return (
    <input
      className="map-key"
      data-testid="map-key"
      value={text}
      spellCheck={false}
      onChange={(event) => setText(event.target.value)}
      onBlur={done}
      onKeyDown={(event) => {
        if (event.key === 'Enter') done();
      }}
    />
  );
}

function VariantSelect({ node }: { node: Extract<FormNode, { kind: 'variants' }> }) {
  const { t } = useTranslation();
  const { onEdit } = useForm();
  return (
    <select
      className="variant-select"
      data-testid={`${testIdOf(node.path)}-variant`}
      value={node.chosen}
      onChange={(event) =>
        onEdit({ path: node.path, value: switchVariant(node, Number(event.target.value)) })
      }
    >
      {node.variants.map((variant, i) => (
        <option key={i} value={i}>
          {variantLabel(variant, t)}
        </option>
      ))}
    </select>
  );
}

/** The input of a one-value field (text, number, boolean, choice), with suggestions where the host has some. */
function Control({ node }: { node: FormNode }) {
  const { t } = useTranslation();
  const { onEdit, suggestionsFor } = useForm();
  const listId = useId();
  const invalid = useIssues(node).length > 0;
  // `${VAR}` is set when the job runs: whatever the field's type, it is edited as text.
  if (isVariableRef(node.value) && node.kind !== 'text' && node.kind !== 'scalar')
    return <DraftInput node={node} kind="text" invalid={invalid} />;
  switch (node.kind) {
    case 'boolean':
      return (
        <input
          type="checkbox"
          data-testid={testIdOf(node.path)}
          aria-invalid={invalid || undefined}
          checked={node.value === undefined ? node.default === true : node.value === true}
          onChange={(event) => onEdit({ path: node.path, value: event.target.checked })}
        />
      );
    case 'enum':
      return <EnumSelect node={node} invalid={invalid} />;
    case 'text':
    case 'scalar':
    case 'integer':
    case 'number':
    case 'json': {
      const suggestions = suggestionsFor?.(node.path);
      return (
        <>
          <DraftInput
            node={node}
            kind={node.kind}
            multiline={(node.kind === 'text' && node.multiline) || node.kind === 'json'}
            secret={(node.kind === 'text' || node.kind === 'scalar') && node.secret}
            list={suggestions ? listId : undefined}
            invalid={invalid}
          />
          {suggestions && <SuggestionList id={listId} suggestions={suggestions} />}
        </>
      );
    }
    case 'component':
      return (
        <span className="muted small" data-testid={testIdOf(node.path)}>
          {t('designer_props.own_node')}
        </span>
      );
    default:
      return <FieldBody node={node} />;
  }
}

/** What a field holds under its label: its input, or its fields, items or entries. */
function FieldBody({ node }: { node: FormNode }) {
  switch (node.kind) {
    case 'object':
      return (
        <div className="nested-fields">
          {node.fields.map((field) => (
            <Field key={String(field.key)} node={field} />
          ))}
        </div>
      );
    case 'variants':
      return <FieldBody node={node.inner} />;
    case 'list':
      return node.scalarItems && !node.multiline ? <ChipList node={node} /> : <ItemList node={node} />;
    case 'map':
      return <MapRows node={node} />;
    default:
      return <Control node={node} />;
  }
}

/** A field: its name (required mark, reset), its input or parts, its problems and help. */
export function Field({ node }: { node: FormNode }) {
  const { t } = useTranslation();
  const form = useForm();
  const issues = useIssues(node);
  const own = form.renderField?.(node, fieldRendering(form));
  if (own !== undefined) return <>{own}</>;
  const inline = node.kind === 'boolean' && !isVariableRef(node.value);
  const nested = !isOneValue(node);
  const set = node.value !== undefined;
  const examples = node.examples.length > 0 && !['object', 'map'].includes(node.kind);
  // Help under the name of a field with parts (before them), under the input of a one-value field.
  const help = node.description && (
    <span className="field-help" title={node.description}>
      {node.description}
    </span>
  );
  return (
    <div
      className={`field prop-field${issues.length > 0 ? ' invalid' : ''}${nested ? ' nested' : ''}${inline ? ' inline' : ''}`}
      data-testid="prop-field"
      data-path={pathText(node.path)}
    >
      <div className="prop-label">
        {inline && <Control node={node} />}
        <span className="prop-name" title={node.description}>
          {String(node.key)}
          {node.required && <span className="required-mark"> *</span>}
        </span>
        {node.kind === 'variants' && <VariantSelect node={node} />}
        {set && !node.required && (
          <button
            type="button"
            className="icon-button reset"
            title={t('designer_props.reset')}
            aria-label={t('designer_props.reset')}
            data-testid={`${testIdOf(node.path)}-reset`}
            onClick={() => form.onEdit({ path: node.path, value: undefined })}
          >
            ↺
          </button>
        )}
      </div>
      {nested && help}
      {!inline && <FieldBody node={node} />}
      <FieldIssues node={node} issues={issues} />
      {!nested && help}
      {examples && (
        <span className="field-help field-examples">
          {t('designer_props.examples', { examples: node.examples.join(' · ') })}
        </span>
      )}
    </div>
  );
}

function fieldRendering(form: FormContextValue): FieldRendering {
  return {
    onEdit: form.onEdit,
    issues: (node) => form.placed.byField.get(pathKey(node.path)) ?? [],
    field: (node) => <FieldBody node={node} />,
  };
}

/** A collapsible group of fields. */
function Section({ section, children }: { section: FormSection; children: ReactNode }) {
  const [open, setOpen] = useState(true);
  return (
    <section className={`prop-section${open ? ' open' : ''}`} data-testid={`prop-group-${section.id}`}>
      <button
        type="button"
        className="prop-section-title"
        aria-expanded={open}
        data-testid={`prop-group-toggle-${section.id}`}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="prop-caret">{open ? '▾' : '▸'}</span>
        {section.title}
      </button>
      {open && <div className="prop-section-body">{children}</div>}
    </section>
  );
}

/** The form: fields over `value`, problems as the user types, edits out one at a time. */
export function NestedSchemaForm({
  schema,
  value,
  onEdit,
  options = {},
  problems = [],
  sections,
  suggestionsFor,
  renderField,
  testId,
}: NestedSchemaFormProps) {
  const { t } = useTranslation();
  const [drafts, setDrafts] = useState<Map<string, { path: FieldPath; value: unknown }>>(new Map());
  // What is being typed counts for the checks before it is written.
  const typed = useMemo(() => {
    let next: unknown = value;
    for (const draft of drafts.values()) next = setIn(next, draft.path, draft.value);
    return next as Record<string, unknown>;
  }, [value, drafts]);
  const nodes = useMemo(() => formTree(schema, value, options), [schema, value, options]);
  const issues = useMemo(() => {
    const found = validateSection(schema, typed, options.refFields);
    // The server's word on a field the form already finds wrong says the same again: one is enough.
    const checked = new Set(found.map((issue) => pathKey(issue.path)));
    return [...found, ...problems.filter((problem) => !checked.has(pathKey(problem.path)))];
  }, [schema, typed, options.refFields, problems]);
  const placed = useMemo(
    () => placeIssues(formTree(schema, typed, options), issues),
    [schema, typed, options, issues],
  );
  const context: FormContextValue = {
    onEdit,
    setDraft: (path, draftValue, active) =>
      setDrafts((current) => {
        const next = new Map(current);
        if (active) next.set(pathKey(path), { path, value: draftValue });
        else next.delete(pathKey(path));
        return next;
      }),
    placed,
    suggestionsFor,
    renderField,
    options,
  };
  const groups = sections ? sections(nodes) : [{ id: 'all', title: '', nodes }];
  return (
    <FormContext.Provider value={context}>
      <div className="nested-form" data-testid={testId} data-valid={issues.length === 0 ? 'true' : 'false'}>
        {placed.unplaced.length > 0 && (
          <div className="error-banner" role="alert" data-testid="prop-problems">
            <strong>{t('designer_props.node_problems')}</strong>
            <FieldIssues issues={placed.unplaced} />
          </div>
        )}
        {groups.map((group) =>
          sections ? (
            <Section key={group.id} section={group}>
              {group.header}
              {group.nodes.map((node) => (
                <Field key={String(node.key)} node={node} />
              ))}
            </Section>
          ) : (
            group.nodes.map((node) => <Field key={String(node.key)} node={node} />)
          ),
        )}
      </div>
    </FormContext.Provider>
  );
}
