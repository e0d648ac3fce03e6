// Hash history: the shell serves files, not routes, so a reload must not ask it for /catalog.
// The walker and the start form are never kept alive (App.vue): each visit is fresh.

import { createRouter, createWebHashHistory } from 'vue-router';

import CatalogView from './views/CatalogView.vue';
import DepartmentsView from './views/DepartmentsView.vue';
import FacilitiesView from './views/FacilitiesView.vue';
import InspectionsView from './views/InspectionsView.vue';
import InspectionView from './views/InspectionView.vue';
import StartInspectionView from './views/StartInspectionView.vue';

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', redirect: '/inspections' },
    { path: '/inspections', name: 'inspections', component: InspectionsView },
    { path: '/inspections/new', name: 'inspection-new', component: StartInspectionView },
    { path: '/inspections/:id', name: 'inspection', component: InspectionView },
    { path: '/catalog', name: 'catalog', component: CatalogView },
    { path: '/departments', name: 'departments', component: DepartmentsView },
    { path: '/facilities', name: 'facilities', component: FacilitiesView },
    { path: '/:rest(.*)*', redirect: '/inspections' },
  ],
});
