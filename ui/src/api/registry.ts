// The registry of inspection targets: jurisdictions and facilities.

import type { Facility } from '../bindings/Facility';
import type { FacilityQuery } from '../bindings/FacilityQuery';
import type { Jurisdiction } from '../bindings/Jurisdiction';
import { invoke } from './invoke';

export function jurisdictionList(): Promise<Jurisdiction[]> {
  return invoke<Jurisdiction[]>('jurisdiction_list');
}

/** Facilities matching the query; the core does the filtering and the search. */
export function facilityList(query: FacilityQuery): Promise<Facility[]> {
  const out: FacilityQuery = {};
  if (query.county) out.county = query.county;
  if (query.kind) out.kind = query.kind;
  const search = query.search?.trim();
  if (search) out.search = search;
  return invoke<Facility[]>('facility_list', { query: out });
}

export function facilityGet(id: string): Promise<Facility> {
  return invoke<Facility>('facility_get', { id });
}
