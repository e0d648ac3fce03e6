// What the shell says about itself: version, database path, active catalog.

import type { AppInfo } from '../bindings/AppInfo';
import { invoke } from './invoke';

export function appInfo(): Promise<AppInfo> {
  return invoke<AppInfo>('app_info');
}
