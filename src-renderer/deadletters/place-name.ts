import type { TFunction } from 'i18next';

/** A place as the UI names it: the single output by a word of the UI's language, other places by their config path. */
export function placeName(place: string, t: TFunction): string {
  return place === 'output' ? t('dead_letters.place_output') : place;
}
