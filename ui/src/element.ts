// The Element Plus components the UI uses, each imported from its own module.
// The shell freezes Object.prototype (tauri.conf.json `freezePrototype`), and
// the package's main entry imports dayjs, whose module code assigns `valueOf`
// on a prototype and so throws at start-up under a frozen prototype, leaving
// a blank window. Never import the package entry itself (element.test.ts).

import { ElAlert } from 'element-plus/es/components/alert/index.mjs';
import { ElButton } from 'element-plus/es/components/button/index.mjs';
import { ElConfigProvider } from 'element-plus/es/components/config-provider/index.mjs';
import { ElDescriptions, ElDescriptionsItem } from 'element-plus/es/components/descriptions/index.mjs';
import { ElDialog } from 'element-plus/es/components/dialog/index.mjs';
import { ElDrawer } from 'element-plus/es/components/drawer/index.mjs';
import { ElInput } from 'element-plus/es/components/input/index.mjs';
import { ElLoading } from 'element-plus/es/components/loading/index.mjs';
import { ElOption, ElSelect } from 'element-plus/es/components/select/index.mjs';
import { ElProgress } from 'element-plus/es/components/progress/index.mjs';
import { ElRadio, ElRadioButton, ElRadioGroup } from 'element-plus/es/components/radio/index.mjs';
import { ElTag } from 'element-plus/es/components/tag/index.mjs';
import { ElTooltip } from 'element-plus/es/components/tooltip/index.mjs';
import type { App } from 'vue';

const PLUGINS = [
  ElAlert,
  ElButton,
  ElConfigProvider,
  ElDescriptions,
  ElDescriptionsItem,
  ElDialog,
  ElDrawer,
  ElInput,
  ElLoading,
  ElOption,
  ElSelect,
  ElProgress,
  ElRadio,
  ElRadioButton,
  ElRadioGroup,
  ElTag,
  ElTooltip,
];

export function installElement(app: App): void {
  for (const plugin of PLUGINS) app.use(plugin);
}
