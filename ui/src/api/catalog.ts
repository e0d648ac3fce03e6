// 内容清单: catalog versions, their groups and items. Read-only: importing and
// switching the active version are done by the `qingdan` command line.

import type { CatalogGroup } from '../bindings/CatalogGroup';
import type { CatalogItem } from '../bindings/CatalogItem';
import type { CatalogVersion } from '../bindings/CatalogVersion';
import type { ItemQuery } from '../bindings/ItemQuery';
import { invoke } from './invoke';

export function catalogVersions(): Promise<CatalogVersion[]> {
  return invoke<CatalogVersion[]>('catalog_versions');
}

/** Groups of a version; the active version when `versionId` is left out. */
export function catalogGroups(versionId?: string): Promise<CatalogGroup[]> {
  return invoke<CatalogGroup[]>('catalog_groups', versionId ? { versionId } : {});
}

/** Items matching the query; the core does the filtering and the search. */
export function catalogItems(query: ItemQuery): Promise<CatalogItem[]> {
  return invoke<CatalogItem[]>('catalog_items', { query: compact(query) });
}

/** Drops empty fields: an empty string would otherwise reach the core as a filter. */
function compact(query: ItemQuery): ItemQuery {
  const out: ItemQuery = {};
  if (query.version_id) out.version_id = query.version_id;
  if (query.kind) out.kind = query.kind;
  if (query.group_id) out.group_id = query.group_id;
  const search = query.search?.trim();
  if (search) out.search = search;
  return out;
}
