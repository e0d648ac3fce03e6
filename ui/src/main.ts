import '@fontsource/noto-sans-sc/400.css';
import '@fontsource/noto-sans-sc/700.css';
import 'element-plus/dist/index.css';
import './styles/main.css';

import { createApp } from 'vue';

import App from './App.vue';
import { installElement } from './element';
import { lang, setLang } from './i18n';
import { router } from './router';

setLang(lang.value);

const app = createApp(App);
installElement(app);
app.use(router).mount('#app');
