// Hash history: the shell serves files, not routes, so a reload must not ask it for /catalog.
// The walker, the start form and a problem's detail are never kept alive (App.vue): each visit is fresh.

import { createRouter, createWebHashHistory } from 'vue-router';

import AssignmentsView from './views/AssignmentsView.vue';
import CatalogView from './views/CatalogView.vue';
import DashboardView from './views/DashboardView.vue';
import DepartmentsView from './views/DepartmentsView.vue';
import EvaluationView from './views/EvaluationView.vue';
import FacilitiesView from './views/FacilitiesView.vue';
import InspectionsView from './views/InspectionsView.vue';
import InspectionView from './views/InspectionView.vue';
import LearningView from './views/LearningView.vue';
import ProblemsView from './views/ProblemsView.vue';
import ProblemView from './views/ProblemView.vue';
import ResponsibilityView from './views/ResponsibilityView.vue';
import StartInspectionView from './views/StartInspectionView.vue';
import SuggestionsView from './views/SuggestionsView.vue';
import SyncView from './views/SyncView.vue';

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', redirect: '/inspections' },
    { path: '/inspections', name: 'inspections', component: InspectionsView },
    { path: '/inspections/new', name: 'inspection-new', component: StartInspectionView },
    { path: '/inspections/:id', name: 'inspection', component: InspectionView },
    { path: '/assignments', name: 'assignments', component: AssignmentsView },
    { path: '/problems', name: 'problems', component: ProblemsView },
    { path: '/problems/:id', name: 'problem', component: ProblemView },
    { path: '/dashboard', name: 'dashboard', component: DashboardView },
    { path: '/suggestions', name: 'suggestions', component: SuggestionsView },
    { path: '/responsibility', name: 'responsibility', component: ResponsibilityView },
    { path: '/learning', name: 'learning', component: LearningView },
    { path: '/evaluation', name: 'evaluation', component: EvaluationView },
    { path: '/catalog', name: 'catalog', component: CatalogView },
    { path: '/departments', name: 'departments', component: DepartmentsView },
    { path: '/facilities', name: 'facilities', component: FacilitiesView },
    { path: '/sync', name: 'sync', component: SyncView },
    { path: '/:rest(.*)*', redirect: '/inspections' },
  ],
});
