// Hash history: the shell serves files, not routes, so a reload must not ask it for /catalog.

import { createRouter, createWebHashHistory } from 'vue-router';

import CatalogView from './views/CatalogView.vue';
import DepartmentsView from './views/DepartmentsView.vue';
import FacilitiesView from './views/FacilitiesView.vue';

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', redirect: '/catalog' },
    { path: '/catalog', name: 'catalog', component: CatalogView },
    { path: '/departments', name: 'departments', component: DepartmentsView },
    { path: '/facilities', name: 'facilities', component: FacilitiesView },
    { path: '/:rest(.*)*', redirect: '/catalog' },
  ],
});
