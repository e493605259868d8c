import { useTranslation } from 'react-i18next';
import type { PluginInfo } from '../../src-shared/api/model';

/*
 * A component's kind, category and status as small tags, worded in the user's language where the
 * studio knows the word (a category or status it does not know shows as the component names it).
 */

const CATEGORIES = [
  'database',
  'file',
  'testing',
  'filter',
  'transform',
  'aggregate',
  'enrich',
  'flow',
  'queue',
  'api',
  'search',
] as const;
const STATUSES = ['stable', 'beta', 'experimental'] as const;

type Category = (typeof CATEGORIES)[number];
type Status = (typeof STATUSES)[number];

const isCategory = (value: string): value is Category => (CATEGORIES as readonly string[]).includes(value);
const isStatus = (value: string): value is Status => (STATUSES as readonly string[]).includes(value);

/** The category's name in the user's language. */
export function useCategoryName(): (category: string) => string {
  const { t } = useTranslation();
  return (category) => (isCategory(category) ? t(`plugins_page.category_${category}`) : category);
}

export function PluginTags({ plugin }: { plugin: Pick<PluginInfo, 'kind' | 'category' | 'status'> }) {
  const { t } = useTranslation();
  const categoryName = useCategoryName();
  return (
    <span className="plugins-tags">
      <span className={`tag plugins-kind plugins-kind-${plugin.kind}`} data-testid="plugin-kind">
        {t(`plugins_page.kind_${plugin.kind}`)}
      </span>
      <span className="tag" data-testid="plugin-category">
        {categoryName(plugin.category)}
      </span>
      <span className={`tag tag-${plugin.status}`} data-testid="plugin-status">
        {isStatus(plugin.status) ? t(`plugins_page.status_${plugin.status}`) : plugin.status}
      </span>
    </span>
  );
}
